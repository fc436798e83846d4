import { isIP } from 'node:net';
import { ConfigRules, DEFAULT_AGENT_PROBE_TYPES, isProbeType, PROBE_CATALOGUE, PROBE_TYPES, ProbeType, Range, TRAFFICSIM_LIMITS } from '@netwatcher/shared';
import { isHostname } from '../common/hostname';

/**
 * The one place that decides what a valid probe is. Create, PATCH (after merging with the stored
 * probe), copy and bidirectional mirrors all run through `validateProbe`, so no path can store a
 * probe another path would refuse. Pure: whatever needs the database (which agents exist) is
 * passed in. The per-type bounds, defaults and target kinds come from the probe catalogue in
 * `@netwatcher/shared`; this file holds the checks that apply them.
 */

/** What a caller asks for; every field but `type` may be missing and gets the type's default. */
export interface ProbeDraft {
  type: string;
  enabled?: boolean;
  interval_sec?: number;
  timeout_sec?: number;
  count?: number;
  duration_sec?: number;
  server?: boolean;
  targets?: readonly string[];
  agent_targets?: readonly number[];
  labels?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** A validated probe with every default filled in, ready to store. */
export interface ProbeSettings {
  type: ProbeType;
  enabled: boolean;
  intervalSec: number;
  timeoutSec: number;
  count: number;
  durationSec: number;
  server: boolean;
  targets: string[];
  agentTargets: number[];
  labels: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface ProbeRuleContext {
  /** The agent that runs the probe: it may not target itself. */
  agentId: number;
  /** Non-deleted agents of the probe's workspace (at least those named in agent_targets). */
  knownAgentIds: ReadonlySet<number>;
  /**
   * Agents of the workspace with a TRAFFICSIM server probe (at least among those named in a
   * TRAFFICSIM client's agent_targets); absent means none.
   */
  trafficsimServerAgentIds?: ReadonlySet<number>;
}

export type ProbeValidation = { ok: true; probe: ProbeSettings } | { ok: false; errors: string[] };

export const MAX_TARGETS = 50;
export const MAX_SPEEDTEST_URLS = 10;
const MAX_URL_LENGTH = 2048;

/** Types with a server role, and types whose probes name peer agents, alphabetically: named in error messages. */
const SERVER_TYPES = PROBE_TYPES.filter((t) => PROBE_CATALOGUE[t].rules.server).sort();
const AGENT_TARGET_TYPES = PROBE_TYPES.filter((t) => ['agents', 'trafficsim'].includes(PROBE_CATALOGUE[t].rules.targets)).sort();

/** "A", "A and B", "A, B and C". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The catalogue's probes for every new agent, with their defaults, ready to store. */
export function defaultAgentProbes(agentId: number): ProbeSettings[] {
  return DEFAULT_AGENT_PROBE_TYPES.map((type) => {
    const result = validateProbe({ type }, { agentId, knownAgentIds: new Set() });
    if (!result.ok) throw new Error(`default ${type} probe is invalid: ${result.errors.join('; ')}`);
    return result.probe;
  });
}

/** An IPv4 or IPv6 address, or a strict host name. */
export function isHost(value: string): boolean {
  return isIP(value) !== 0 || isHostname(value);
}

/** `host:port` with an IPv4 address or host name, or `[ipv6]:port`. */
export function isHostPort(value: string): boolean {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(value);
  const match = bracketed ?? plain;
  if (!match) return false;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return false;
  return bracketed ? isIP(match[1]) === 6 : isIP(match[1]) === 4 || isHostname(match[1]);
}

export function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Host names compare case-insensitively; lower-casing here makes duplicate detection agree. */
function normalizeTarget(value: string): string {
  const trimmed = value.trim();
  return isIP(trimmed) === 0 && !isHttpUrl(trimmed) ? trimmed.toLowerCase() : trimmed;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function checkRange(errors: string[], field: string, value: number, range: Range, type: ProbeType): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    errors.push(`${field} must be a whole number between ${range.min} and ${range.max} for ${type} probes`);
  }
}

/** A field that does not apply to the type: 0 (the seed's clients send zeros) or absent. */
function notApplicable(errors: string[], field: string, value: number | undefined, type: ProbeType): number {
  if (value !== undefined && value !== 0) errors.push(`${field} does not apply to ${type} probes (leave it 0)`);
  return 0;
}

function rangedOrDefault(
  errors: string[],
  field: string,
  value: number | undefined,
  range: Range | null,
  type: ProbeType,
): number {
  if (!range) return notApplicable(errors, field, value, type);
  const resolved = value ?? range.default;
  checkRange(errors, field, resolved, range, type);
  return resolved;
}

function checkHosts(errors: string[], targets: string[], type: ProbeType): void {
  if (targets.length < 1 || targets.length > MAX_TARGETS) {
    errors.push(`targets must list 1 to ${MAX_TARGETS} hosts for ${type} probes`);
  }
  const bad = targets.filter((t) => !isHost(t));
  if (bad.length > 0) {
    errors.push(`targets must be IPv4/IPv6 addresses or host names; invalid: ${bad.slice(0, 5).map((t) => JSON.stringify(t)).join(', ')}`);
  }
}

function checkAgentTargets(errors: string[], agentTargets: number[], ctx: ProbeRuleContext, min: number, max: number): void {
  if (agentTargets.length < min || agentTargets.length > max) {
    errors.push(min === max ? `agent_targets must name exactly ${min} agent` : `agent_targets must name ${min} to ${max} agents`);
  }
  if (agentTargets.includes(ctx.agentId)) errors.push('agent_targets: an agent cannot target itself');
  const unknown = agentTargets.filter((id) => id !== ctx.agentId && !ctx.knownAgentIds.has(id));
  if (unknown.length > 0) errors.push(`agent_targets: no agent ${unknown.join(', ')} in this workspace`);
}

const portRange = () => `${TRAFFICSIM_LIMITS.port.min}–${TRAFFICSIM_LIMITS.port.max}`;

function serverPortInRange(hostPort: string): boolean {
  const port = Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
  return port >= TRAFFICSIM_LIMITS.port.min && port <= TRAFFICSIM_LIMITS.port.max;
}

const TRAFFICSIM_SERVER_KEYS = ['port'] as const;
const TRAFFICSIM_CLIENT_KEYS = ['rate_pps', 'packet_size'] as const;
type TrafficsimKey = (typeof TRAFFICSIM_SERVER_KEYS)[number] | (typeof TRAFFICSIM_CLIENT_KEYS)[number];

/**
 * `metadata.trafficsim`: the TRAFFICSIM settings no common field carries. A server takes `port`
 * (where it listens); a client `rate_pps` and `packet_size` (its port is the server's, or the one
 * in its host:port target). Validated and completed with the defaults, so the stored probe says
 * what runs. Any other type must not carry it (it would look like it applied).
 */
function checkTrafficsimSettings(errors: string[], probe: ProbeSettings): void {
  const given = probe.metadata.trafficsim;
  if (probe.type !== 'TRAFFICSIM') {
    if (given !== undefined) errors.push('metadata.trafficsim only applies to TRAFFICSIM probes');
    return;
  }
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
    errors.push('metadata.trafficsim must be an object');
    return;
  }
  const settings = (given ?? {}) as Record<string, unknown>;
  const allowed: readonly TrafficsimKey[] = probe.server ? TRAFFICSIM_SERVER_KEYS : TRAFFICSIM_CLIENT_KEYS;
  const other = Object.keys(settings).filter((k) => !(allowed as readonly string[]).includes(k));
  if (other.length > 0) {
    const role = probe.server ? 'a TRAFFICSIM server takes port' : 'a TRAFFICSIM client takes rate_pps and packet_size (the port is the server\'s)';
    errors.push(`metadata.trafficsim: ${other.map((k) => JSON.stringify(k)).join(', ')} not allowed; ${role}`);
    return;
  }
  const resolved: Partial<Record<TrafficsimKey, number>> = {};
  for (const field of allowed) {
    const range = TRAFFICSIM_LIMITS[field];
    const value = settings[field] ?? range.default;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
      errors.push(`metadata.trafficsim.${field} must be a whole number between ${range.min} and ${range.max}`);
    } else resolved[field] = value;
  }
  if (!probe.server && resolved.rate_pps !== undefined && resolved.rate_pps * probe.durationSec > TRAFFICSIM_LIMITS.max_packets_per_run) {
    errors.push(`metadata.trafficsim.rate_pps × duration_sec must not exceed ${TRAFFICSIM_LIMITS.max_packets_per_run} packets per run`);
  }
  probe.metadata = { ...probe.metadata, trafficsim: resolved };
}

function checkTargets(errors: string[], rule: ConfigRules, probe: ProbeSettings, ctx: ProbeRuleContext): void {
  const { type, targets, agentTargets } = probe;
  const noHosts = (why: string) => targets.length > 0 && errors.push(`targets must be empty for ${type} probes (${why})`);
  const noAgents = () => agentTargets.length > 0 && errors.push(`agent_targets only apply to ${listed(AGENT_TARGET_TYPES)} probes`);
  switch (rule.targets) {
    case 'hosts':
      checkHosts(errors, targets, type);
      noAgents();
      return;
    case 'urls':
      if (targets.length > MAX_SPEEDTEST_URLS) errors.push(`targets may list at most ${MAX_SPEEDTEST_URLS} URLs for ${type} probes`);
      if (targets.some((t) => !isHttpUrl(t))) {
        errors.push(`targets must be http(s) URLs for ${type} probes (empty means this controller)`);
      }
      noAgents();
      return;
    case 'none':
      noHosts('it measures the agent itself');
      noAgents();
      return;
    case 'agents':
      noHosts('it targets agents: use agent_targets');
      checkAgentTargets(errors, agentTargets, ctx, 1, MAX_TARGETS);
      return;
    case 'trafficsim':
      if (probe.server) {
        noHosts('a server only listens');
        if (agentTargets.length > 0) errors.push(`agent_targets must be empty for a ${type} server`);
        return;
      }
      if (targets.length + agentTargets.length !== 1) {
        errors.push(`a ${type} client needs exactly one target: one agent in agent_targets or one host:port in targets`);
        return;
      }
      if (targets.length === 1 && !isHostPort(targets[0])) errors.push(`a ${type} target must be host:port (or [ipv6]:port)`);
      else if (targets.length === 1 && !serverPortInRange(targets[0])) errors.push(`a ${type} target's port must be ${portRange()} (the ports a server may listen on)`);
      if (agentTargets.length === 1) {
        checkAgentTargets(errors, agentTargets, ctx, 1, 1);
        const [peer] = agentTargets;
        if (peer !== ctx.agentId && ctx.knownAgentIds.has(peer) && !ctx.trafficsimServerAgentIds?.has(peer)) {
          errors.push(`agent_targets: agent ${peer} runs no ${type} server (give it a ${type} probe with server: true first)`);
        }
      }
      return;
  }
}

export function validateProbe(draft: ProbeDraft, ctx: ProbeRuleContext): ProbeValidation {
  if (!isProbeType(draft.type)) {
    return { ok: false, errors: [`type must be one of ${PROBE_TYPES.join(', ')}`] };
  }
  const type = draft.type;
  const rule = PROBE_CATALOGUE[type].rules;
  const errors: string[] = [];

  const probe: ProbeSettings = {
    type,
    enabled: draft.enabled ?? true,
    intervalSec: rangedOrDefault(errors, 'interval_sec', draft.interval_sec, rule.interval, type),
    timeoutSec: rangedOrDefault(errors, 'timeout_sec', draft.timeout_sec, rule.timeout, type),
    count: rangedOrDefault(errors, 'count', draft.count, rule.count, type),
    durationSec: rangedOrDefault(errors, 'duration_sec', draft.duration_sec, rule.duration, type),
    server: draft.server ?? false,
    targets: unique((draft.targets ?? []).map(normalizeTarget)),
    agentTargets: unique(draft.agent_targets ?? []),
    labels: draft.labels ?? {},
    metadata: draft.metadata ?? {},
  };

  if (probe.server && !rule.server) errors.push(`server only applies to ${listed(SERVER_TYPES)} probes`);
  if (probe.timeoutSec > probe.intervalSec) errors.push('timeout_sec must not exceed interval_sec');
  if (rule.duration && probe.durationSec > probe.intervalSec) errors.push('duration_sec must not exceed interval_sec');
  checkTargets(errors, rule, probe, ctx);
  checkTrafficsimSettings(errors, probe);

  return errors.length > 0 ? { ok: false, errors } : { ok: true, probe };
}

/**
 * Two probes of one agent are "the same" when they measure the same thing: same type and role,
 * same targets and agent targets in any order. Used to skip duplicates when copying.
 */
export function probeIdentity(p: Pick<ProbeSettings, 'type' | 'server' | 'targets' | 'agentTargets'>): string {
  const targets = unique(p.targets.map(normalizeTarget)).sort();
  const agents = unique(p.agentTargets).sort((a, b) => a - b);
  return JSON.stringify([p.type, p.server, targets, agents]);
}

/** The draft that reproduces stored or validated settings: the start of a PATCH merge or a copy. */
export function draftFrom(s: ProbeSettings): ProbeDraft {
  return {
    type: s.type,
    enabled: s.enabled,
    interval_sec: s.intervalSec,
    timeout_sec: s.timeoutSec,
    count: s.count,
    duration_sec: s.durationSec,
    server: s.server,
    targets: s.targets,
    agent_targets: s.agentTargets,
    labels: s.labels,
    metadata: s.metadata,
  };
}
