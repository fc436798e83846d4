import { draftFrom, probeIdentity, ProbeSettings, validateProbe } from './probe-rules';

/**
 * Pure planning for POST …/probes/copy: which (source probe, destination) pairs become new
 * probes, which are skipped and why, which are errors. The service only loads the inputs and
 * writes the `create` steps.
 *
 * `match_targets` — the reading chosen here: "give each destination the return path of the
 * source's probes toward it". With it, only AGENT probes are considered, and destination D
 * receives a copy of an AGENT probe only when that probe targets D; the copy targets the source
 * agent instead of D (D → source) and records the original in reverse_of_probe_id, exactly like
 * a `bidirectional` mirror. The literal alternative (copy probes that target D onto D) could only
 * ever produce probes that target themselves; this one turns one-way AGENT probes into
 * bidirectional pairs after the fact, which is what matching targets is useful for.
 */

export interface CopySource {
  id: number;
  settings: ProbeSettings;
}

export interface CopyOptions {
  sourceAgentId: number;
  /** Already de-duplicated, in request order. */
  destAgentIds: readonly number[];
  matchTargets: boolean;
  skipDuplicates: boolean;
}

export interface CopyWorld {
  /** Destinations that are live agents of the workspace. */
  liveDestIds: ReadonlySet<number>;
  /** Live agents of the workspace that copied probes may target (agent_targets, the source). */
  knownAgentIds: ReadonlySet<number>;
  /** Of those, the agents that run a TRAFFICSIM server (a copied TRAFFICSIM client must target one). */
  trafficsimServerAgentIds?: ReadonlySet<number>;
  /** probeIdentity() of every probe each destination already has. */
  existing: ReadonlyMap<number, ReadonlySet<string>>;
}

export type CopyStep =
  | { kind: 'create'; sourceProbeId: number; destAgentId: number; settings: ProbeSettings; reverseOfProbeId: number | null }
  | { kind: 'skip'; sourceProbeId: number; destAgentId: number; reason: string }
  | { kind: 'error'; sourceProbeId: number; destAgentId: number; error: string };

export const SKIP = {
  sameAgent: 'destination is the source agent',
  targetsItself: 'would target itself',
  duplicate: 'duplicate exists',
} as const;

/** What the source probe becomes on `dest`, or null when it does not apply there (match_targets). */
function candidateFor(source: CopySource, dest: number, options: CopyOptions): { settings: ProbeSettings; reverseOf: number | null } | null {
  const s = source.settings;
  if (!options.matchTargets) return { settings: s, reverseOf: null };
  if (s.type !== 'AGENT' || !s.agentTargets.includes(dest)) return null;
  return { settings: { ...s, agentTargets: [options.sourceAgentId] }, reverseOf: source.id };
}

export function planCopy(sources: readonly CopySource[], options: CopyOptions, world: CopyWorld): CopyStep[] {
  const steps: CopyStep[] = [];
  for (const dest of options.destAgentIds) {
    const planned = new Set(world.existing.get(dest) ?? []);
    for (const source of sources) {
      const base = { sourceProbeId: source.id, destAgentId: dest };
      const candidate = candidateFor(source, dest, options);
      if (!candidate) continue;
      if (dest === options.sourceAgentId) {
        steps.push({ ...base, kind: 'skip', reason: SKIP.sameAgent });
        continue;
      }
      if (!world.liveDestIds.has(dest)) {
        steps.push({ ...base, kind: 'error', error: 'destination agent not found in this workspace' });
        continue;
      }
      if (candidate.settings.agentTargets.includes(dest)) {
        steps.push({ ...base, kind: 'skip', reason: SKIP.targetsItself });
        continue;
      }
      const result = validateProbe(draftFrom(candidate.settings), { agentId: dest, knownAgentIds: world.knownAgentIds, trafficsimServerAgentIds: world.trafficsimServerAgentIds });
      if (!result.ok) {
        steps.push({ ...base, kind: 'error', error: result.errors.join('; ') });
        continue;
      }
      const identity = probeIdentity(result.probe);
      if (options.skipDuplicates && planned.has(identity)) {
        steps.push({ ...base, kind: 'skip', reason: SKIP.duplicate });
        continue;
      }
      planned.add(identity);
      steps.push({ ...base, kind: 'create', settings: result.probe, reverseOfProbeId: candidate.reverseOf });
    }
  }
  return steps;
}
