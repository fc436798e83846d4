import type { z } from 'zod';

/**
 * A parser compiled once from a zod schema into plain closures, for the ingest hot path: zod's
 * interpreter costs ~7 µs per PING result (issue contexts, status objects, per-check dispatch),
 * about a quarter of a core at 20,000 results/s; the compiled closures do the same checks in a
 * fraction of that.
 *
 * The zod schema stays the single definition and the reference: the compiled parser supports
 * the subset of zod the protocol uses, and anything else compiles to "not sure", which sends
 * that input to zod. It never reports errors either: a value it does not accept is handed to
 * zod, so the error an agent sees is zod's. What it accepts, it returns exactly as zod would
 * (unknown keys stripped, defaults applied, keys in schema order); compiled-parser.spec.ts
 * checks that against zod on every result type and thousands of mutated inputs.
 */

/** Returned by a compiled node when it cannot vouch for a value (invalid, or beyond its subset). */
export const UNSURE: unique symbol = Symbol('unsure');
type Node = (value: unknown) => unknown;

/** Zod v3 keeps its definition on `_def`; only the fields read here are typed. */
interface Def {
  typeName?: string;
  checks?: Array<{ kind: string; value?: number; inclusive?: boolean; regex?: RegExp }>;
  coerce?: boolean;
  shape?: () => Record<string, z.ZodTypeAny>;
  unknownKeys?: string;
  catchall?: z.ZodTypeAny;
  innerType?: z.ZodTypeAny;
  defaultValue?: () => unknown;
  type?: z.ZodTypeAny;
  minLength?: { value: number } | null;
  maxLength?: { value: number } | null;
  exactLength?: { value: number } | null;
  options?: z.ZodTypeAny[] | Map<unknown, z.ZodTypeAny>;
  optionsMap?: Map<unknown, z.ZodTypeAny>;
  discriminator?: string;
  value?: unknown;
  values?: readonly string[];
}

const defOf = (schema: z.ZodTypeAny): Def => schema._def as Def;
const unsupported: Node = () => UNSURE;

/** The same pattern zod v3 applies for `.uuid()` (its `\b`s always hold between hex and '-'). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function compileString(def: Def): Node {
  if (def.coerce) return unsupported;
  let min = 0;
  let max = Infinity;
  const patterns: RegExp[] = [];
  for (const check of def.checks ?? []) {
    if (check.kind === 'min') min = Math.max(min, check.value as number);
    else if (check.kind === 'max') max = Math.min(max, check.value as number);
    else if (check.kind === 'length') [min, max] = [check.value as number, check.value as number];
    else if (check.kind === 'uuid') patterns.push(UUID);
    // zod resets lastIndex before each test; a /g pattern would otherwise remember its last match.
    else if (check.kind === 'regex' && check.regex && !check.regex.global && !check.regex.sticky) patterns.push(check.regex);
    else return unsupported;
  }
  // Bounds folded into one comparison each: this runs for every field of every result.
  return (v) => {
    if (typeof v !== 'string' || v.length < min || v.length > max) return UNSURE;
    for (const pattern of patterns) if (!pattern.test(v)) return UNSURE;
    return v;
  };
}

function compileNumber(def: Def): Node {
  if (def.coerce) return unsupported;
  let int = false;
  let low = -Infinity;
  let lowInclusive = true;
  let high = Infinity;
  let highInclusive = true;
  for (const check of def.checks ?? []) {
    const bound = check.value as number;
    if (check.kind === 'int') int = true;
    else if (check.kind === 'finite') [low, high] = [Math.max(low, -Number.MAX_VALUE), Math.min(high, Number.MAX_VALUE)];
    else if (check.kind === 'min') {
      if (bound > low || (bound === low && !check.inclusive)) [low, lowInclusive] = [bound, check.inclusive === true];
    } else if (check.kind === 'max') {
      if (bound < high || (bound === high && !check.inclusive)) [high, highInclusive] = [bound, check.inclusive === true];
    } else return unsupported;
  }
  return (v) => {
    // NaN fails every comparison, so the bounds refuse it as zod does.
    if (typeof v !== 'number' || !(lowInclusive ? v >= low : v > low) || !(highInclusive ? v <= high : v < high)) return UNSURE;
    return int && !Number.isInteger(v) ? UNSURE : v;
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // Object.prototype of any realm (a Jest sandbox's, or the main one's): its own prototype is null.
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function compileObject(def: Def): Node {
  // Only zod's default: unknown keys stripped, no catch-all schema.
  if (def.unknownKeys !== 'strip' || defOf(def.catchall as z.ZodTypeAny).typeName !== 'ZodNever') return unsupported;
  const fields = Object.entries((def.shape as () => Record<string, z.ZodTypeAny>)()).map(([key, schema]) => ({ key, node: compileNode(schema) }));
  return (v) => {
    if (!isPlainObject(v)) return UNSURE;
    const out: Record<string, unknown> = {};
    for (const { key, node } of fields) {
      const parsed = node(v[key]);
      if (parsed === UNSURE) return UNSURE;
      // zod sets a key when its value is defined or the input had the key.
      if (parsed !== undefined || key in v) out[key] = parsed;
    }
    return out;
  };
}

function compileArray(def: Def): Node {
  const element = compileNode(def.type as z.ZodTypeAny);
  const min = def.minLength?.value ?? 0;
  const max = def.maxLength?.value ?? Infinity;
  const exact = def.exactLength?.value;
  return (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max || (exact !== undefined && v.length !== exact)) return UNSURE;
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const parsed = element(v[i]);
      if (parsed === UNSURE) return UNSURE;
      out[i] = parsed;
    }
    return out;
  };
}

function compileDiscriminatedUnion(def: Def): Node {
  const byTag = new Map<unknown, Node>();
  for (const [tag, option] of def.optionsMap ?? []) byTag.set(tag, compileNode(option));
  const key = def.discriminator as string;
  return (v) => {
    if (!isPlainObject(v)) return UNSURE;
    const option = byTag.get(v[key]);
    return option ? option(v) : UNSURE;
  };
}

function compileNode(schema: z.ZodTypeAny): Node {
  const def = defOf(schema);
  switch (def.typeName) {
    case 'ZodString':
      return compileString(def);
    case 'ZodNumber':
      return compileNumber(def);
    case 'ZodBoolean':
      return (v) => (typeof v === 'boolean' ? v : UNSURE);
    case 'ZodUnknown':
    case 'ZodAny':
      return (v) => v;
    case 'ZodLiteral': {
      const literal = def.value;
      return (v) => (v === literal ? v : UNSURE);
    }
    case 'ZodEnum': {
      const values = new Set(def.values);
      return (v) => (typeof v === 'string' && values.has(v) ? v : UNSURE);
    }
    case 'ZodNullable': {
      const inner = compileNode(def.innerType as z.ZodTypeAny);
      return (v) => (v === null ? null : inner(v));
    }
    case 'ZodOptional': {
      const inner = compileNode(def.innerType as z.ZodTypeAny);
      return (v) => (v === undefined ? undefined : inner(v));
    }
    case 'ZodDefault': {
      const inner = compileNode(def.innerType as z.ZodTypeAny);
      const fallback = def.defaultValue as () => unknown;
      return (v) => inner(v === undefined ? fallback() : v);
    }
    case 'ZodUnion': {
      // zod returns the first option that accepts the value.
      const options = (def.options as z.ZodTypeAny[]).map(compileNode);
      return (v) => {
        for (const option of options) {
          const parsed = option(v);
          if (parsed !== UNSURE) return parsed;
        }
        return UNSURE;
      };
    }
    case 'ZodObject':
      return compileObject(def);
    case 'ZodArray':
      return compileArray(def);
    case 'ZodDiscriminatedUnion':
      return compileDiscriminatedUnion(def);
    default:
      // Effects, records, tuples, …: zod decides.
      return unsupported;
  }
}

/** The compiled checks alone: zod's output for the values they accept, UNSURE for the rest. */
export function compileFastPath<S extends z.ZodTypeAny>(schema: S): (value: unknown) => z.output<S> | typeof UNSURE {
  return compileNode(schema) as (value: unknown) => z.output<S> | typeof UNSURE;
}

/**
 * `safeParse` with the compiled fast path in front: the same answers as `schema.safeParse`,
 * faster for every value the compiled subset accepts.
 */
export function compileParser<S extends z.ZodTypeAny>(schema: S): (value: unknown) => z.SafeParseReturnType<z.input<S>, z.output<S>> {
  const fast = compileFastPath(schema);
  return (value) => {
    const parsed = fast(value);
    if (parsed !== UNSURE) return { success: true, data: parsed as z.output<S> };
    return schema.safeParse(value);
  };
}
