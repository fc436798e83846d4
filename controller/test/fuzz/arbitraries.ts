import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import type { DtoField } from './routes';

/**
 * Hostile input for the fuzz suites: the values issue 10's findings were made of (huge and
 * negative numbers, number-looking strings, NUL, lone surrogates, deep nesting, long strings,
 * wrong types, extra and prototype-polluting keys), mixed with plausible values so requests also
 * get past the first check and reach deeper code.
 */

/** One fixed seed for every suite: a failure replays exactly. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261206);

/** Ids and numbers as a client might spell them: only plain decimal digits in range are ids. */
const NUMBER_LOOKALIKES = [
  '0',
  '-1',
  '+1',
  '1e0',
  '1.0',
  '0x1',
  ' 1',
  '1 ',
  'NaN',
  '2147483647',
  '2147483648',
  '99999999999999999999',
];

const HOSTILE_STRINGS = [
  '',
  ' ',
  ...NUMBER_LOOKALIKES,
  'NaN',
  'Infinity',
  '-0',
  '1e20',
  '1e308',
  '2147483647',
  '2147483648',
  '4294967296',
  '9223372036854775808',
  '18446744073709551616',
  '9'.repeat(400),
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFEFF1',
  '💥',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%',
  '%00',
  '%ZZ',
  '\\',
  '\n\r\t',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2024-02-30T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T25:00:00Z',
  '-62135596800',
  '99999999999999',
  'x'.repeat(5000),
  '__proto__',
  'constructor',
];

/** Values a real client would send, so a request can pass one check and meet the next. */
const PLAUSIBLE_STRINGS = [
  '1',
  '2',
  '3',
  '50',
  '0',
  'PING',
  'MTR',
  'AGENT',
  'TRAFFICSIM',
  'NETINFO',
  'ADMIN',
  'USER',
  'VIEWER',
  'OWNER',
  '2024-01-01T00:00:00Z',
  '2030-01-01T00:00:00Z',
  '1700000000',
  '192.0.2.1',
  '2001:db8::1',
  'example.com',
  'true',
  'false',
  'csv',
  'json',
  'probe',
  'a@b.test',
  'auto',
  'pinned',
  '1.0.0',
  'packet_loss',
  '>',
];

/** Any UTF-16 code unit, so lone surrogates and control characters appear too. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** What PostgreSQL, validators, logs and URLs choke on, to be slipped into otherwise good text. */
const POISON = ['\u0000', '\uD800', '\uDFFF', '\n', '\r\n', '%', "'", '"', '\\', '\u202E', '\uFFFF'];

/** A plausible value with one poisonous character inside: passes a type check, may fail deeper. */
const poisoned: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...PLAUSIBLE_STRINGS), fc.constantFrom(...POISON), fc.nat())
  .map(([text, poison, at]) => text.slice(0, at % (text.length + 1)) + poison + text.slice(at % (text.length + 1)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE_STRINGS) },
  { weight: 3, arbitrary: poisoned },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    2,
    0.5,
    -2147483648,
    2147483647,
    2147483648,
    2 ** 53,
    2 ** 63,
    1e20,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Every property name any DTO of the app validates, read from class-validator: new DTOs join by themselves. */
export function dtoFieldNames(): string[] {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas?: Map<unknown, Array<{ propertyName: string }>>;
  };
  const names = new Set<string>();
  for (const list of storage.validationMetadatas?.values() ?? []) for (const m of list) names.add(m.propertyName);
  return [...names].sort();
}

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** JSON values of every type, nested a little, keyed mostly by the API's real field names. */
export function hostileJson(fieldNames: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...fieldNames) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
    { weight: 1, arbitrary: hostileString },
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileString,
      hostileNumber,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    ),
  }));
  return value;
}

/** Bodies sent as they are, not JSON-encoded by the client: what JSON.stringify cannot produce. */
export interface RawBody {
  raw: string;
}

const DEEP = 3000;
const RAW_BODIES: RawBody[] = [
  { raw: '['.repeat(DEEP) + ']'.repeat(DEEP) },
  { raw: '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP) },
  { raw: '{"name":"\\ud800"}' },
  { raw: '{"email":"a\\u0000@b.test","password":"x"}' },
  { raw: '{"name":' },
  { raw: 'not json' },
  { raw: '' },
  { raw: '{"limit":1e400}' },
  { raw: `{"name":"${'y'.repeat(2_000_000)}"}` },
];

const FUTURE = [1, 2, 48].map((h) => new Date(Date.UTC(2030, 0, 1, h)).toISOString());

/**
 * A value the field's own rules accept (read from its class-validator rules: `isIn` values,
 * `min`/`max` bounds, …), so a body can be valid as a whole and reach the service.
 */
export function plausibleValue(field: DtoField, realIds: readonly number[]): fc.Arbitrary<unknown> {
  const rule = (name: string) => field.rules.find((r) => r.name === name);
  const bound = (name: string) => rule(name)?.constraints[0] as number | undefined;
  const isIn = rule('isIn')?.constraints[0];
  if (Array.isArray(isIn) && isIn.length > 0) return fc.constantFrom(...isIn);
  if (rule('isBoolean')) return fc.boolean();
  if (rule('isEmail')) return fc.constantFrom('fuzz@example.test', 'FUZZ+tag@Example.test');
  if (rule('isDateString') || /(_at|^from|^to)$/.test(field.name)) return fc.constantFrom(...FUTURE);
  if (rule('isInt') || bound('min') !== undefined || bound('max') !== undefined) {
    const min = Math.max(bound('min') ?? 0, -1e6);
    const max = Math.min(bound('max') ?? 1000, 2_147_483_647);
    return fc.oneof(
      fc.constantFrom(...realIds.filter((id) => id >= min && id <= max), min, max),
      fc.integer({ min, max }),
    );
  }
  if (rule('isJsonObject') || rule('isObject')) return fc.constantFrom({}, { site: 'fuzz' });
  if (rule('isArray'))
    return fc.array(fc.oneof(fc.constantFrom('192.0.2.1', 'example.com', 'PING'), fc.constantFrom(...realIds)), {
      maxLength: 3,
    });
  const maxLength = bound('maxLength') ?? rule('length')?.constraints[1];
  return fc.oneof(
    fc.constantFrom(...PLAUSIBLE_STRINGS),
    fc.string({ minLength: 1, maxLength: Math.min(Number(maxLength ?? 20), 20) }),
  );
}

/**
 * A request body: mostly the route's own fields (each present or not, a plausible or a hostile
 * value), sometimes with extra keys, sometimes the wrong type altogether or not JSON at all.
 */
export function hostileBody(
  routeFields: readonly DtoField[],
  allFields: readonly string[],
  realIds: readonly number[],
): fc.Arbitrary<unknown | RawBody> {
  const json = hostileJson(allFields);
  const valueOf = (f: DtoField) =>
    fc.oneof(
      { weight: 3, arbitrary: plausibleValue(f, realIds) },
      { weight: 1, arbitrary: poisoned },
      { weight: 1, arbitrary: json },
    );
  const own = fc.record(Object.fromEntries(routeFields.map((f) => [f.name, valueOf(f)])), { requiredKeys: [] });
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...allFields) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  );
  const extra = fc
    .tuple(own, fc.dictionary(key, json, { minKeys: 1, maxKeys: 2 }))
    .map(([mine, more]) => ({ ...more, ...mine }));
  return fc.oneof(
    { weight: 6, arbitrary: own },
    { weight: 1, arbitrary: extra },
    { weight: 1, arbitrary: json },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
  );
}

export function isRawBody(body: unknown): body is RawBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).length === 1 &&
    typeof (body as RawBody).raw === 'string'
  );
}

/** A query string: real and hostile parameter names, repeated keys (arrays), malformed escapes. */
export function hostileQuery(
  routeFields: readonly DtoField[],
  allFields: readonly string[],
  realIds: readonly number[],
): fc.Arbitrary<string> {
  const own = routeFields.map((f) =>
    fc.tuple(
      fc.constant(f.name),
      fc.oneof(
        { weight: 2, arbitrary: plausibleValue(f, realIds).map(String) },
        { weight: 1, arbitrary: poisoned },
        { weight: 1, arbitrary: hostileString },
      ),
    ),
  );
  const name = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...allFields) },
    { weight: 1, arbitrary: hostileString },
  );
  // Mostly the route's own parameters with plausible or hostile values, then strangers.
  const mine =
    own.length > 0
      ? fc.subarray(own.map((_, i) => i)).chain((picked) => fc.tuple(...picked.map((i) => own[i])))
      : fc.constant([]);
  const value = fc.oneof(
    { weight: 4, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
  );
  const strangers = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.dictionary(name, value, { minKeys: 1, maxKeys: 2 }) },
  );
  const encoded = fc.tuple(mine, strangers).map(([ownParams, strangers]) => {
    const search = new URLSearchParams();
    for (const [k, v] of ownParams as Array<[string, string]>) search.append(k, v);
    for (const [k, v] of Object.entries(strangers)) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
    return search.toString();
  });
  // Written without encoding: percent signs that decode to nothing, or to invalid UTF-8.
  const malformed = fc.constantFrom(
    'limit=%',
    'offset=%ZZ',
    'q=%ED%A0%80',
    'from=%00',
    'a[b][c]=1',
    'limit[]=1',
    '%=1',
  );
  return fc.oneof({ weight: 6, arbitrary: encoded }, { weight: 1, arbitrary: malformed });
}

const hostileSegmentValue = fc.oneof(
  fc.constantFrom(...NUMBER_LOOKALIKES, '9'.repeat(400), '%20', '%00', '%ED%A0%80', '%', '%ZZ', '..', 'x'),
  hostileString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?'))),
);

/**
 * Path parameters: mostly the fixture's real ids (so the body and query reach validation and the
 * service), otherwise one parameter hostile. `real` lacks what must stay hostile (DELETE ids).
 */
export function hostileSegments(
  params: readonly string[],
  real: Record<string, string | undefined>,
): fc.Arbitrary<Record<string, string>> {
  const reals = Object.fromEntries(params.map((p) => [p, real[p] ?? '2147483647']));
  const allReal = params.every((p) => real[p] !== undefined);
  if (params.length === 0) return fc.constant({});
  const oneHostile = fc.tuple(fc.constantFrom(...params), hostileSegmentValue).map(([p, v]) => ({ ...reals, [p]: v }));
  return allReal
    ? fc.oneof({ weight: 3, arbitrary: fc.constant(reals) }, { weight: 2, arbitrary: oneHostile })
    : oneHostile;
}

/** Body headers: mostly JSON, sometimes a type or an encoding the body parsers must refuse cleanly. */
export const bodyHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ 'content-type': 'application/json' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, string>>(
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json', 'content-encoding': 'br, zstd' },
      { 'content-type': 'multipart/form-data; boundary=x' },
    ),
  },
);
