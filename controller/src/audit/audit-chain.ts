import { createHash } from 'node:crypto';
import { REDACTED } from '../common/audit-trail';

/** The `prev_hash` of a chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Exactly what an entry's hash covers: every column but `id` and `hash` itself. */
export interface ChainedEntry {
  workspace_id: number | null;
  seq: number;
  /** ISO-8601 with milliseconds, as stored (timestamptz keeps them). */
  at: string;
  actor_user_id: number | null;
  actor_token_id: number | null;
  source_address: string | null;
  request_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  changes: Record<string, unknown>;
  prev_hash: string;
}

/**
 * JSON with object keys sorted at every level. PostgreSQL's jsonb reorders keys, so the hash is
 * taken over this form, which the stored row reproduces exactly.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 over the entry's content and, through `prev_hash`, over every entry before it. */
export function entryHash(entry: ChainedEntry): string {
  return createHash('sha256')
    .update(canonicalJson({ v: 1, ...entry }))
    .digest('hex');
}

/** Keys whose values are never recorded, whatever a caller passed: the last line of defence. */
const SECRET_KEY = /password|passwd|psk|secret|^pin$|pin_?hash|^token$|api_?key|credential/i;
const MAX_STRING = 500;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

/**
 * What may go into `changes`: secret-looking keys redacted, strings well-formed (jsonb refuses
 * lone surrogates and U+0000) and short, nesting and arrays bounded. An audit record is a
 * summary; a 1 MB settings object is not copied into it.
 */
export function sanitiseChanges(changes: Record<string, unknown>): Record<string, unknown> {
  return sanitise(changes, 0) as Record<string, unknown>;
}

function sanitise(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cleanString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return value === undefined ? null : String(value);
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => sanitise(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_ITEMS)) {
    const cleanKey = cleanString(key);
    out[cleanKey] = SECRET_KEY.test(key) && v !== null && v !== REDACTED ? redact(v) : sanitise(v, depth + 1);
  }
  return out;
}

/** A {from, to} pair keeps its shape so the record still says "changed"; anything else is replaced. */
function redact(value: unknown): unknown {
  if (value && typeof value === 'object' && 'from' in value && 'to' in value) return { from: REDACTED, to: REDACTED };
  return REDACTED;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanString(s: string): string {
  // Cut first, clean after: a cut may split a surrogate pair.
  const short = s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}… (${s.length} characters)` : s;
  return short.replace(LONE_SURROGATE, '\uFFFD').replace(/\u0000/g, '\uFFFD');
}

export type BreakReason = 'hash_mismatch' | 'link_mismatch' | 'missing_entries' | 'bad_start';

export interface ChainBreak {
  id: string;
  seq: number;
  reason: BreakReason;
}

/**
 * Walks one chain in `seq` order, entry by entry (so a long chain is checked in pages). The first
 * entry kept may follow pruned ones: its own hash is checked, its link backwards cannot be,
 * unless it is entry 1, whose predecessor is the genesis hash.
 */
export class ChainVerifier {
  private previous: { seq: number; hash: string } | null = null;
  checked = 0;
  firstSeq: number | null = null;

  /** The break this entry shows, or null when it is a sound continuation. */
  push(id: string, entry: ChainedEntry, storedHash: string): ChainBreak | null {
    const at = (reason: BreakReason): ChainBreak => ({ id, seq: entry.seq, reason });
    this.checked++;
    if (this.previous === null) {
      this.firstSeq = entry.seq;
      if (entry.seq === 1 && entry.prev_hash !== GENESIS_HASH) return at('bad_start');
    } else {
      if (entry.seq !== this.previous.seq + 1) return at('missing_entries');
      if (entry.prev_hash !== this.previous.hash) return at('link_mismatch');
    }
    if (entryHash(entry) !== storedHash) return at('hash_mismatch');
    this.previous = { seq: entry.seq, hash: storedHash };
    return null;
  }

  get lastSeq(): number | null {
    return this.previous?.seq ?? null;
  }
}
