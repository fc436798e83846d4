import { z } from 'zod';
import { compileFastPath, compileParser, UNSURE } from './compiled-parser';
import { ProbeResult } from './results';
import { PanelSubscribe } from './events';

const base = { id: '0b7a4c9e-3f5d-4c8a-9e21-7d6f5a4b3c2d', probe_id: 7, created_at: '2026-11-23T10:00:00.123Z' };

/** One valid result of every type, as an agent posts them (defaults left out on purpose). */
const SAMPLES: Record<string, unknown> = {
  PING: {
    ...base,
    type: 'PING',
    target: '192.0.2.1',
    payload: {
      target: '192.0.2.1',
      address: '192.0.2.1',
      sent: 5,
      received: 4,
      loss_pct: 20,
      rtt_min_ms: 1.1,
      rtt_avg_ms: 1.5,
      rtt_max_ms: 2,
      rtt_stddev_ms: 0.3,
      jitter_ms: 0.2,
      rtt_p50_ms: 1.4,
      rtt_p95_ms: 2,
      rtt_p99_ms: 2,
      rtts_ms: [1.1, null, 1.4, 1.6, 2],
    },
  },
  MTR: {
    ...base,
    type: 'MTR',
    target_agent: 0,
    payload: {
      target: 'example.net',
      hops: [
        { hop: 1, address: '10.0.0.1', hostname: null, loss_pct: 0, sent: 10, last_ms: 0.3, avg_ms: 0.3, best_ms: 0.2, worst_ms: 0.5, stddev_ms: 0.1 },
        { hop: 2, address: null, hostname: null, loss_pct: 100, sent: 10, last_ms: null, avg_ms: null, best_ms: null, worst_ms: null, stddev_ms: null },
      ],
    },
  },
  SYSINFO: {
    ...base,
    type: 'SYSINFO',
    payload: {
      hostname: 'edge-1',
      os: { platform: 'linux', type: 'Linux', release: '6.1', arch: 'x64', distro: null },
      kernel: '6.1.0',
      cpu: { model: 'EPYC', cores: 2, load_avg: [0.1, 0.2, 0.3] },
      memory: { total_bytes: 1e9, free_bytes: 5e8 },
      disks: [{ mount: '/', total_bytes: 1e10, free_bytes: 1e9 }],
      uptime_sec: 100,
      agent_version: '0.1.0',
    },
  },
  NETINFO: {
    ...base,
    type: 'NETINFO',
    triggered: true,
    triggered_reason: 'start-up',
    payload: {
      hostname: 'edge-1',
      interfaces: [{ name: 'eth0', mac: '00:11:22:33:44:55', addresses: [{ address: '192.0.2.9', family: 'IPv4', cidr: '192.0.2.9/24' }] }],
      default_gateway: '192.0.2.1',
      dns_servers: ['192.0.2.53'],
      public_ip: null,
    },
  },
  TRAFFICSIM: { ...base, type: 'TRAFFICSIM', payload: { mos: 4.2 } },
};

/** Values that exercise every check: wrong types, bounds, NaN/Infinity, long strings, empty containers. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(254),
  'a'.repeat(501),
  -1,
  0,
  1.5,
  100,
  100.5,
  3_600_001,
  2_147_483_648,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  [],
  [null],
  {},
  '2026-11-23T10:00:00Z',
  'PING',
  'IPv6',
];

/** A small deterministic PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Json = Record<string, unknown> | unknown[];

/** Every container path inside a value, so a mutation can land anywhere. */
function containers(value: unknown, out: Json[] = []): Json[] {
  if (value !== null && typeof value === 'object') {
    out.push(value as Json);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

function mutate(sample: unknown, random: () => number): unknown {
  const copy = structuredClone(sample);
  const targets = containers(copy);
  const target = targets[Math.floor(random() * targets.length)];
  const keys = Object.keys(target);
  const key = keys[Math.floor(random() * keys.length)] ?? '0';
  const odd = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  const roll = random();
  if (roll < 0.15) delete (target as Record<string, unknown>)[key];
  else if (roll < 0.25) (target as Record<string, unknown>).extra = odd;
  else (target as Record<string, unknown>)[key] = odd;
  return copy;
}

/** The compiled path may only accept what zod accepts, and must return exactly zod's output. */
function expectAgreement(schema: z.ZodTypeAny, value: unknown): boolean {
  const fast = compileFastPath(schema)(value);
  const reference = schema.safeParse(value);
  if (fast === UNSURE) return false;
  expect(reference.success).toBe(true);
  if (reference.success) {
    expect(fast).toStrictEqual(reference.data);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(reference.data));
  }
  return true;
}

describe('compiled parser', () => {
  it.each(['PING', 'MTR', 'SYSINFO', 'NETINFO'])('accepts a valid %s result on the fast path with zod’s exact output', (type) => {
    expect(expectAgreement(ProbeResult, SAMPLES[type])).toBe(true);
  });

  it('hands what it does not support to zod (free-form payloads)', () => {
    expect(compileFastPath(ProbeResult)(SAMPLES.TRAFFICSIM)).toBe(UNSURE);
    const parse = compileParser(ProbeResult);
    expect(parse(SAMPLES.TRAFFICSIM)).toStrictEqual(ProbeResult.safeParse(SAMPLES.TRAFFICSIM));
  });

  it('never accepts what zod refuses, and agrees on everything it accepts (thousands of mutations)', () => {
    const random = prng(20261123);
    let fastAccepted = 0;
    let zodRefused = 0;
    for (let i = 0; i < 6000; i++) {
      const sample = Object.values(SAMPLES)[i % 5];
      const mutated = mutate(sample, random);
      if (expectAgreement(ProbeResult, mutated)) fastAccepted++;
      if (!ProbeResult.safeParse(mutated).success) zodRefused++;
    }
    // Both branches must be exercised for this test to mean anything.
    expect(fastAccepted).toBeGreaterThan(500);
    expect(zodRefused).toBeGreaterThan(2000);
  });

  it('reports zod’s own error for a value it refuses', () => {
    const parse = compileParser(ProbeResult);
    const bad = { ...(SAMPLES.PING as object), probe_id: -3 };
    const result = parse(bad);
    expect(result.success).toBe(false);
    expect(result).toStrictEqual(ProbeResult.safeParse(bad));
  });

  it('applies defaults and strips unknown keys like zod', () => {
    const withExtra = { ...(SAMPLES.PING as object), unknown_field: 1 };
    const fast = compileFastPath(ProbeResult)(withExtra);
    expect(fast).not.toBe(UNSURE);
    expect(fast).toMatchObject({ target_agent: 0, triggered: false, triggered_reason: '' });
    expect(fast).not.toHaveProperty('unknown_field');
  });

  it('keeps an optional key that was present but undefined, as zod does', () => {
    const ping = structuredClone(SAMPLES.PING) as { payload: Record<string, unknown> };
    ping.payload.error = undefined;
    expect(expectAgreement(ProbeResult, ping)).toBe(true);
  });

  it('compiles other protocol schemas too', () => {
    expect(expectAgreement(PanelSubscribe, { workspace_id: 1, probe_id: 0 })).toBe(true);
    expect(compileParser(PanelSubscribe)({ workspace_id: 0, probe_id: 0 }).success).toBe(false);
  });
});
