import { CopyOptions, CopySource, CopyWorld, planCopy, SKIP } from './probe-copy.plan';
import { ProbeDraft, probeIdentity, validateProbe } from './probe-rules';

const SOURCE = 1;

function source(id: number, draft: ProbeDraft): CopySource {
  const result = validateProbe(draft, { agentId: SOURCE, knownAgentIds: new Set([1, 2, 3, 4, 5]) });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return { id, settings: result.probe };
}

const ping = source(100, { type: 'PING', targets: ['8.8.8.8'], labels: { team: 'noc' } });
const mtr = source(101, { type: 'MTR', targets: ['1.1.1.1'] });
const toTwo = source(102, { type: 'AGENT', agent_targets: [2] });
const toTwoAndThree = source(103, { type: 'AGENT', agent_targets: [2, 3] });

function world(over: Partial<CopyWorld> = {}): CopyWorld {
  return { liveDestIds: new Set([2, 3, 4]), knownAgentIds: new Set([1, 2, 3, 4]), existing: new Map(), ...over };
}

function options(over: Partial<CopyOptions> = {}): CopyOptions {
  return { sourceAgentId: SOURCE, destAgentIds: [2, 3], matchTargets: false, skipDuplicates: true, ...over };
}

const summary = (steps: ReturnType<typeof planCopy>) =>
  steps.map((s) => [s.sourceProbeId, s.destAgentId, s.kind === 'skip' ? s.reason : s.kind === 'error' ? 'error' : 'create']);

describe('planCopy', () => {
  it('copies every source probe to every destination, settings unchanged', () => {
    const steps = planCopy([ping, mtr], options(), world());
    expect(summary(steps)).toEqual([
      [100, 2, 'create'],
      [101, 2, 'create'],
      [100, 3, 'create'],
      [101, 3, 'create'],
    ]);
    const first = steps[0];
    expect(first.kind === 'create' && first.settings).toEqual(ping.settings);
    expect(first.kind === 'create' && first.reverseOfProbeId).toBeNull();
  });

  it('skips the source itself as a destination', () => {
    expect(summary(planCopy([ping], options({ destAgentIds: [1, 2] }), world()))).toEqual([
      [100, 1, SKIP.sameAgent],
      [100, 2, 'create'],
    ]);
  });

  it('skips an AGENT probe that would target its own destination', () => {
    expect(summary(planCopy([toTwo, toTwoAndThree], options({ destAgentIds: [2, 4] }), world()))).toEqual([
      [102, 2, SKIP.targetsItself],
      [103, 2, SKIP.targetsItself],
      [102, 4, 'create'],
      [103, 4, 'create'],
    ]);
  });

  it('reports a missing or deleted destination as an error per probe, not a failure of the whole copy', () => {
    const steps = planCopy([ping], options({ destAgentIds: [9, 2] }), world());
    expect(summary(steps)).toEqual([
      [100, 9, 'error'],
      [100, 2, 'create'],
    ]);
    expect(steps[0].kind === 'error' && steps[0].error).toMatch(/not found/);
  });

  it('reports a copy the rules refuse (a target agent since deleted) as an error', () => {
    const steps = planCopy([toTwo], options({ destAgentIds: [4] }), world({ knownAgentIds: new Set([1, 4]) }));
    expect(steps).toEqual([{ kind: 'error', sourceProbeId: 102, destAgentId: 4, error: expect.stringMatching(/no agent 2/) }]);
  });

  describe('skip_duplicates', () => {
    const existing = new Map([[2, new Set([probeIdentity(ping.settings)])]]);

    it('skips when the destination already has the same type and targets (default)', () => {
      expect(summary(planCopy([ping, mtr], options(), world({ existing })))).toEqual([
        [100, 2, SKIP.duplicate],
        [101, 2, 'create'],
        [100, 3, 'create'],
        [101, 3, 'create'],
      ]);
    });

    it('also skips two identical source probes landing on one destination', () => {
      const twin = { ...ping, id: 110 };
      expect(summary(planCopy([ping, twin], options({ destAgentIds: [3] }), world()))).toEqual([
        [100, 3, 'create'],
        [110, 3, SKIP.duplicate],
      ]);
    });

    it('copies anyway when false', () => {
      expect(summary(planCopy([ping], options({ skipDuplicates: false }), world({ existing })))).toEqual([
        [100, 2, 'create'],
        [100, 3, 'create'],
      ]);
    });
  });

  describe('match_targets: the return path toward the source', () => {
    it('gives each destination only the AGENT probes that target it, pointed back at the source', () => {
      const steps = planCopy([ping, toTwo, toTwoAndThree], options({ destAgentIds: [2, 3, 4], matchTargets: true }), world());
      // 103 would give agent 2 the same return path 102 already gave it: one is enough.
      expect(summary(steps)).toEqual([
        [102, 2, 'create'],
        [103, 2, SKIP.duplicate],
        [103, 3, 'create'],
      ]);
      for (const step of steps) {
        if (step.kind !== 'create') continue;
        expect(step.settings.type).toBe('AGENT');
        expect(step.settings.agentTargets).toEqual([SOURCE]);
        expect(step.reverseOfProbeId).toBe(step.sourceProbeId);
      }
    });

    it('skips a return path that already exists, including twice in one request', () => {
      const back = source(0, { type: 'AGENT', agent_targets: [3] }).settings;
      const existing = new Map([[2, new Set([probeIdentity({ ...back, agentTargets: [SOURCE] })])]]);
      expect(summary(planCopy([toTwo, toTwoAndThree], options({ destAgentIds: [2, 3], matchTargets: true }), world({ existing })))).toEqual([
        [102, 2, SKIP.duplicate],
        [103, 2, SKIP.duplicate],
        [103, 3, 'create'],
      ]);
    });
  });
});
