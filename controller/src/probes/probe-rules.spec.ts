import { PROBE_CATALOGUE, PROBE_TYPES, TargetKind } from '@netwatcher/shared';
import { isHostname } from '../common/hostname';
import {
  defaultAgentProbes,
  isHost,
  isHostPort,
  isHttpUrl,
  ProbeDraft,
  probeIdentity,
  ProbeRuleContext,
  validateProbe,
} from './probe-rules';

const ctx: ProbeRuleContext = { agentId: 1, knownAgentIds: new Set([1, 2, 3, 4]), trafficsimServerAgentIds: new Set([2, 3]) };

function ok(draft: ProbeDraft, context = ctx) {
  const result = validateProbe(draft, context);
  if (!result.ok) throw new Error(`expected valid, got: ${result.errors.join('; ')}`);
  return result.probe;
}

function errors(draft: ProbeDraft, context = ctx): string {
  const result = validateProbe(draft, context);
  if (result.ok) throw new Error(`expected invalid: ${JSON.stringify(draft)}`);
  return result.errors.join('; ');
}

describe('host syntax', () => {
  it.each(['8.8.8.8', '2001:db8::1', '::1', 'example.com', 'a-b.example.co.uk', 'router', 'xn--bcher-kva.example'])(
    'accepts %s',
    (h) => expect(isHost(h)).toBe(true),
  );
  it.each(['', 'exa mple.com', '-bad.example', 'bad-.example', 'a..b', 'under_score.example', '1.2.3.999', '256.1.1.1', 'http://x.com', `${'a'.repeat(64)}.com`])(
    'rejects %j',
    (h) => expect(isHost(h)).toBe(false),
  );
  it('caps host names at 253 characters', () => {
    const label = 'a'.repeat(63);
    const name253 = [label, label, label, 'a'.repeat(61)].join('.');
    expect(name253).toHaveLength(253);
    expect(isHostname(name253)).toBe(true);
    expect(isHostname(name253 + 'a')).toBe(false);
  });
  it('parses host:port', () => {
    expect(isHostPort('10.0.0.1:5000')).toBe(true);
    expect(isHostPort('peer.example:65535')).toBe(true);
    expect(isHostPort('[2001:db8::1]:5000')).toBe(true);
    expect(isHostPort('10.0.0.1')).toBe(false);
    expect(isHostPort('10.0.0.1:0')).toBe(false);
    expect(isHostPort('10.0.0.1:65536')).toBe(false);
    expect(isHostPort('2001:db8::1:5000')).toBe(false);
    expect(isHostPort('[example.com]:5000')).toBe(false);
  });
  it('accepts only http(s) URLs', () => {
    expect(isHttpUrl('https://speed.example/api')).toBe(true);
    expect(isHttpUrl('http://10.0.0.1:8080')).toBe(true);
    expect(isHttpUrl('ftp://x.example')).toBe(false);
    expect(isHttpUrl('speed.example')).toBe(false);
    expect(isHttpUrl(`https://x.example/${'a'.repeat(2048)}`)).toBe(false);
  });
});

describe('validateProbe', () => {
  it('rejects an unknown type', () => {
    expect(errors({ type: 'HTTP' })).toMatch(/type must be one of PING, MTR/);
    expect(errors({ type: 'ping' })).toMatch(/type must be one of/);
  });

  describe('PING', () => {
    it('fills defaults and normalizes targets', () => {
      expect(ok({ type: 'PING', targets: [' Example.COM ', '8.8.8.8', 'example.com'] })).toEqual({
        type: 'PING',
        enabled: true,
        intervalSec: 60,
        timeoutSec: 10,
        count: 5,
        durationSec: 0,
        server: false,
        targets: ['example.com', '8.8.8.8'],
        agentTargets: [],
        labels: {},
        metadata: {},
      });
    });
    it('needs 1–50 valid hosts', () => {
      expect(errors({ type: 'PING' })).toMatch(/targets must list 1 to 50 hosts/);
      expect(errors({ type: 'PING', targets: Array.from({ length: 51 }, (_, i) => `h${i}.example`) })).toMatch(/1 to 50/);
      expect(errors({ type: 'PING', targets: ['8.8.8.8', 'not a host'] })).toMatch(/invalid: "not a host"/);
      expect(ok({ type: 'PING', targets: Array.from({ length: 50 }, (_, i) => `h${i}.example`) }).targets).toHaveLength(50);
    });
    it('bounds count, interval and timeout', () => {
      const base = { type: 'PING', targets: ['8.8.8.8'] };
      expect(errors({ ...base, count: 0 })).toMatch(/count must be a whole number between 1 and 100/);
      expect(errors({ ...base, count: 101 })).toMatch(/count/);
      expect(errors({ ...base, interval_sec: 4 })).toMatch(/interval_sec must be a whole number between 5 and 86400/);
      expect(errors({ ...base, interval_sec: 86_401 })).toMatch(/interval_sec/);
      expect(errors({ ...base, timeout_sec: 0 })).toMatch(/timeout_sec must be a whole number between 1 and 300/);
      expect(errors({ ...base, timeout_sec: 301, interval_sec: 600 })).toMatch(/timeout_sec/);
      expect(errors({ ...base, interval_sec: 10, timeout_sec: 11 })).toMatch(/timeout_sec must not exceed interval_sec/);
      expect(ok({ ...base, interval_sec: 10, timeout_sec: 10, count: 100 })).toMatchObject({ intervalSec: 10, timeoutSec: 10, count: 100 });
    });
    it('refuses fields that do not apply, but accepts the zeros clients send', () => {
      const base = { type: 'PING', targets: ['8.8.8.8'] };
      expect(ok({ ...base, duration_sec: 0, server: false, agent_targets: [] }).durationSec).toBe(0);
      expect(errors({ ...base, duration_sec: 30 })).toMatch(/duration_sec does not apply to PING/);
      expect(errors({ ...base, server: true })).toMatch(/server only applies to TRAFFICSIM/);
      expect(errors({ ...base, agent_targets: [2] })).toMatch(/agent_targets only apply to AGENT and TRAFFICSIM/);
    });
  });

  describe('MTR', () => {
    it('has its own defaults and bounds', () => {
      expect(ok({ type: 'MTR', targets: ['1.1.1.1'] })).toMatchObject({ intervalSec: 300, timeoutSec: 60, count: 5 });
      expect(errors({ type: 'MTR', targets: ['1.1.1.1'], interval_sec: 29 })).toMatch(/between 30 and 86400/);
      expect(errors({ type: 'MTR', targets: ['1.1.1.1'], count: 61 })).toMatch(/between 1 and 60/);
      expect(ok({ type: 'MTR', targets: ['1.1.1.1'], timeout_sec: 600, interval_sec: 600 }).timeoutSec).toBe(600);
      expect(errors({ type: 'MTR', targets: [] })).toMatch(/1 to 50 hosts/);
    });
  });

  describe('SPEEDTEST', () => {
    it('takes no targets (the controller) or http(s) URLs, at most every 5 minutes', () => {
      expect(ok({ type: 'SPEEDTEST' })).toMatchObject({ targets: [], intervalSec: 3600, count: 0 });
      expect(ok({ type: 'SPEEDTEST', targets: ['https://speed.example/'] }).targets).toEqual(['https://speed.example/']);
      expect(errors({ type: 'SPEEDTEST', targets: ['speed.example'] })).toMatch(/http\(s\) URLs/);
      expect(errors({ type: 'SPEEDTEST', interval_sec: 299 })).toMatch(/between 300 and 86400/);
      expect(errors({ type: 'SPEEDTEST', count: 3 })).toMatch(/count does not apply/);
    });
  });

  describe('SYSINFO and NETINFO', () => {
    it('take no targets', () => {
      expect(ok({ type: 'SYSINFO' })).toMatchObject({ intervalSec: 3600, timeoutSec: 30 });
      expect(ok({ type: 'NETINFO' })).toMatchObject({ intervalSec: 300, timeoutSec: 30 });
      expect(errors({ type: 'NETINFO', targets: ['8.8.8.8'] })).toMatch(/targets must be empty for NETINFO/);
      expect(errors({ type: 'SYSINFO', agent_targets: [2] })).toMatch(/agent_targets only apply/);
    });
  });

  describe('TRAFFICSIM', () => {
    it('a server needs no targets', () => {
      expect(ok({ type: 'TRAFFICSIM', server: true })).toMatchObject({ server: true, durationSec: 60, targets: [], agentTargets: [], metadata: { trafficsim: { port: 50505 } } });
      expect(errors({ type: 'TRAFFICSIM', server: true, targets: ['10.0.0.1:5000'] })).toMatch(/a server only listens/);
      expect(errors({ type: 'TRAFFICSIM', server: true, agent_targets: [2] })).toMatch(/empty for a TRAFFICSIM server/);
    });
    it('a client needs exactly one agent or one host:port', () => {
      expect(ok({ type: 'TRAFFICSIM', agent_targets: [2] }).agentTargets).toEqual([2]);
      expect(ok({ type: 'TRAFFICSIM', targets: ['10.0.0.1:5000'] }).targets).toEqual(['10.0.0.1:5000']);
      expect(errors({ type: 'TRAFFICSIM' })).toMatch(/exactly one target/);
      expect(errors({ type: 'TRAFFICSIM', agent_targets: [2, 3] })).toMatch(/exactly one target/);
      expect(errors({ type: 'TRAFFICSIM', agent_targets: [2], targets: ['10.0.0.1:5000'] })).toMatch(/exactly one target/);
      expect(errors({ type: 'TRAFFICSIM', targets: ['10.0.0.1'] })).toMatch(/host:port/);
      expect(errors({ type: 'TRAFFICSIM', agent_targets: [1] })).toMatch(/cannot target itself/);
      expect(errors({ type: 'TRAFFICSIM', agent_targets: [99] })).toMatch(/no agent 99/);
    });
    it('a client toward an agent needs that agent to run a TRAFFICSIM server', () => {
      expect(errors({ type: 'TRAFFICSIM', agent_targets: [4] })).toMatch(/agent 4 runs no TRAFFICSIM server/);
      expect(errors({ type: 'TRAFFICSIM', agent_targets: [2] }, { agentId: 1, knownAgentIds: new Set([2]) })).toMatch(/agent 2 runs no TRAFFICSIM server/);
    });
    it('a host:port target uses a port a server may listen on', () => {
      expect(errors({ type: 'TRAFFICSIM', targets: ['10.0.0.1:1023'] })).toMatch(/port must be 1024–65535/);
      expect(ok({ type: 'TRAFFICSIM', targets: ['[2001:db8::1]:65535'] }).targets).toEqual(['[2001:db8::1]:65535']);
    });
    it('takes its own settings from metadata.trafficsim, validated and completed with defaults', () => {
      expect(ok({ type: 'TRAFFICSIM', agent_targets: [2], metadata: { note: 'x' } }).metadata).toEqual({ note: 'x', trafficsim: { rate_pps: 50, packet_size: 200 } });
      expect(ok({ type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { port: 1024 } } }).metadata).toEqual({ trafficsim: { port: 1024 } });
      const client = { type: 'TRAFFICSIM', agent_targets: [2] };
      expect(errors({ type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { port: 1023 } } })).toMatch(/port must be a whole number between 1024 and 65535/);
      expect(errors({ type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { port: 65536 } } })).toMatch(/port must be/);
      expect(errors({ type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { rate_pps: 5 } } })).toMatch(/"rate_pps" not allowed; a TRAFFICSIM server takes port/);
      expect(errors({ ...client, metadata: { trafficsim: { port: 5000 } } })).toMatch(/"port" not allowed/);
      expect(errors({ ...client, metadata: { trafficsim: { rate_pps: 0 } } })).toMatch(/rate_pps must be a whole number between 1 and 1000/);
      expect(errors({ ...client, metadata: { trafficsim: { rate_pps: 1.5 } } })).toMatch(/rate_pps/);
      expect(errors({ ...client, metadata: { trafficsim: { packet_size: 79 } } })).toMatch(/packet_size must be a whole number between 80 and 1400/);
      expect(errors({ ...client, metadata: { trafficsim: { packet_size: '200' } } })).toMatch(/packet_size/);
      expect(errors({ ...client, metadata: { trafficsim: [] } })).toMatch(/must be an object/);
      expect(errors({ ...client, duration_sec: 3600, interval_sec: 3600, metadata: { trafficsim: { rate_pps: 100 } } })).toMatch(/must not exceed 200000 packets/);
      expect(errors({ type: 'PING', targets: ['10.0.0.1'], metadata: { trafficsim: {} } })).toMatch(/only applies to TRAFFICSIM/);
    });
    it('bounds duration_sec 1–3600 and within the interval', () => {
      const base = { type: 'TRAFFICSIM', server: true };
      expect(errors({ ...base, duration_sec: 0 })).toMatch(/duration_sec must be a whole number between 1 and 3600/);
      expect(errors({ ...base, duration_sec: 3601, interval_sec: 7200 })).toMatch(/duration_sec/);
      expect(errors({ ...base, duration_sec: 301, interval_sec: 300 })).toMatch(/duration_sec must not exceed interval_sec/);
      expect(ok({ ...base, duration_sec: 3600, interval_sec: 3600 }).durationSec).toBe(3600);
    });
  });

  describe('AGENT', () => {
    it('targets 1–50 known agents of the workspace, never itself, no hosts', () => {
      expect(ok({ type: 'AGENT', agent_targets: [2, 3, 2] })).toMatchObject({ agentTargets: [2, 3], count: 5, intervalSec: 60 });
      expect(errors({ type: 'AGENT' })).toMatch(/agent_targets must name 1 to 50 agents/);
      expect(errors({ type: 'AGENT', agent_targets: [1] })).toMatch(/cannot target itself/);
      expect(errors({ type: 'AGENT', agent_targets: [2, 77, 78] })).toMatch(/no agent 77, 78 in this workspace/);
      expect(errors({ type: 'AGENT', agent_targets: [2], targets: ['8.8.8.8'] })).toMatch(/use agent_targets/);
      const many = Array.from({ length: 51 }, (_, i) => i + 10);
      expect(errors({ type: 'AGENT', agent_targets: many }, { agentId: 1, knownAgentIds: new Set(many) })).toMatch(/1 to 50 agents/);
    });
  });

  it('collects every problem at once', () => {
    const all = errors({ type: 'PING', targets: [], count: 0, interval_sec: 1 });
    expect(all).toMatch(/interval_sec/);
    expect(all).toMatch(/count/);
    expect(all).toMatch(/targets/);
  });
});

describe('validateProbe reads the probe catalogue', () => {
  /** The smallest draft each target kind accepts, so only the catalogue's numbers are left to check. */
  const minimal: Record<TargetKind, Omit<ProbeDraft, 'type'>> = {
    hosts: { targets: ['192.0.2.1'] },
    urls: {},
    none: {},
    agents: { agent_targets: [2] },
    trafficsim: { server: true },
  };

  it.each(PROBE_TYPES)('%s gets the catalogue defaults and is held to its bounds', (type) => {
    const { rules } = PROBE_CATALOGUE[type];
    const draft = { type, ...minimal[rules.targets] };
    expect(ok(draft)).toMatchObject({
      intervalSec: rules.interval.default,
      timeoutSec: rules.timeout.default,
      count: rules.count?.default ?? 0,
      durationSec: rules.duration?.default ?? 0,
    });
    const { min, max } = rules.interval;
    expect(errors({ ...draft, interval_sec: min - 1 })).toContain(`interval_sec must be a whole number between ${min} and ${max} for ${type}`);
    if (rules.count) expect(errors({ ...draft, count: rules.count.max + 1 })).toContain(`between ${rules.count.min} and ${rules.count.max}`);
    else expect(errors({ ...draft, count: 1 })).toContain(`count does not apply to ${type}`);
  });
});

describe('defaultAgentProbes', () => {
  it('gives every agent NETINFO every 5 min and SYSINFO every hour, 30 s timeout', () => {
    expect(defaultAgentProbes(7).map((p) => [p.type, p.intervalSec, p.timeoutSec, p.enabled])).toEqual([
      ['NETINFO', 300, 30, true],
      ['SYSINFO', 3600, 30, true],
    ]);
  });
});

describe('probeIdentity', () => {
  it('ignores target order and case, not type, role or targets', () => {
    const a = { type: 'PING' as const, server: false, targets: ['b.example', 'A.example'], agentTargets: [] };
    expect(probeIdentity(a)).toBe(probeIdentity({ ...a, targets: ['a.example', 'b.example'] }));
    expect(probeIdentity(a)).not.toBe(probeIdentity({ ...a, type: 'MTR' }));
    expect(probeIdentity(a)).not.toBe(probeIdentity({ ...a, targets: ['a.example'] }));
    const g = { type: 'AGENT' as const, server: false, targets: [], agentTargets: [3, 2] };
    expect(probeIdentity(g)).toBe(probeIdentity({ ...g, agentTargets: [2, 3] }));
    expect(probeIdentity(g)).not.toBe(probeIdentity({ ...g, agentTargets: [2] }));
  });
});
