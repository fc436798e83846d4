import { Injectable } from '@nestjs/common';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ListResponse, toList } from '../common/pagination';
import { parseTimeRange } from '../common/time-range';
import { parseIp } from '../lookups/ip-address';
import { reservedRange } from '../lookups/reserved-ranges';
import { MtrPathsRepository, type MtrObservation } from '../probe-results/mtr-paths.repository';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { NetworkMapQuery } from './dto/network-map-query.dto';
import { HopEnricher } from './hop-enricher';
import type { IncidentView } from './incidents.view';
import type { MapNodeView } from './network-map.view';
import { findRootCauses, type RootCause } from './root-cause';

/** Without `from`, the window is the 30 minutes before `to` (or now): one or more results of every MTR probe at its default 5-minute interval. */
export const DEFAULT_INCIDENT_WINDOW_MS = 30 * 60_000;
/** The baseline: up to this many results of each path in the day before the window. */
export const BASELINE_SPAN_MS = 86_400_000;
export const BASELINE_RESULTS_PER_PATH = 12;
/** The window's verdict is the mean over at most this many newest results of each path. */
export const WINDOW_RESULTS_PER_PATH = 12;

/** GET /workspaces/{id}/network-map/incidents: shared-hop root causes of degraded MTR paths. */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly agents: AgentDirectory,
    private readonly mtr: MtrPathsRepository,
    private readonly enricher: HopEnricher,
  ) {}

  async incidents(userId: number, workspaceId: number, q: NetworkMapQuery): Promise<ListResponse<IncidentView>> {
    await this.access.require(userId, workspaceId);
    if (q.agentId !== undefined) await this.agents.requireAgent(workspaceId, q.agentId);
    const range = parseTimeRange(q.from, q.to);
    const to = range.to ?? new Date();
    const from = range.from ?? new Date(to.getTime() - DEFAULT_INCIDENT_WINDOW_MS);
    const [window, earlier] = await Promise.all([
      this.mtr.recentPerPath(workspaceId, { from, to: range.to, agentId: q.agentId }, WINDOW_RESULTS_PER_PATH),
      // Strictly before the window: a result at `from` belongs to the window only.
      this.mtr.recentPerPath(workspaceId, { from: new Date(from.getTime() - BASELINE_SPAN_MS), to: new Date(from.getTime() - 1), agentId: q.agentId }, BASELINE_RESULTS_PER_PATH),
    ]);
    const agents = await this.agents.summaries(workspaceId, [...new Set(window.map((r) => r.agentId))]);
    const names = new Map(agents.map((a) => [a.id, a.name]));
    // Results of agents deleted since are left out, as on the map.
    const measured = window.filter((r) => names.has(r.agentId));
    const asns = await this.asnsOf(measured);
    const causes = findRootCauses(
      measured,
      earlier.filter((r) => names.has(r.agentId)),
      (ip) => asns.get(ip)?.asn ?? null,
    );
    const views = causes.map((c) => this.view(c, names, asns));
    return toList(views, views.length, { limit: views.length, offset: 0 });
  }

  /** Owner of every public hop address of the window (local GeoIP files; private ones are not looked up). */
  private async asnsOf(results: readonly MtrObservation[]): Promise<Map<string, MapNodeView>> {
    const nodes = new Map<string, MapNodeView>();
    for (const r of results) {
      for (const h of r.hops) {
        const ip = h.address === null ? null : (parseIp(h.address)?.address ?? null);
        if (ip === null || nodes.has(ip)) continue;
        // The enricher fills map nodes; a throwaway node per address carries the answer.
        nodes.set(ip, { id: `hop:${ip}`, kind: 'hop', label: ip, ip, agent_id: null, hostname: null, asn: null, as_org: null, country: null, private: isPrivateNode(ip), paths: 0 });
      }
    }
    await this.enricher.enrich([...nodes.values()]);
    return nodes;
  }

  private view(c: RootCause, names: ReadonlyMap<number, string>, asns: ReadonlyMap<string, MapNodeView>): IncidentView {
    const node = asns.get(c.ip);
    const hop = { ip: c.ip, hostname: c.hostname, asn: node?.asn ?? null, as_org: node?.as_org ?? null, country: node?.country ?? null, private: node?.private ?? isPrivateNode(c.ip) };
    return {
      kind: c.kind,
      scope: c.scope,
      hop,
      addresses: c.addresses,
      summary: summary(c, hop.asn),
      paths: c.paths,
      probes: c.probes,
      agents: c.agents,
      targets: c.targets,
      degraded_paths: c.degradedPaths,
      confidence: c.confidence,
      first_seen: c.firstSeen.toISOString(),
      last_seen: c.lastSeen.toISOString(),
      evidence: c.evidence.map((e) => ({
        probe_id: e.probeId,
        agent_id: e.agentId,
        agent_name: names.get(e.agentId) ?? `agent ${e.agentId}`,
        target: e.target,
        hop: e.hop,
        ip: e.ip,
        loss_before_pct: e.lossBeforePct,
        loss_after_pct: e.lossAfterPct,
        rtt_before_ms: e.rttBeforeMs,
        rtt_after_ms: e.rttAfterMs,
        baseline_loss_pct: e.baselineLossPct,
        baseline_rtt_ms: e.baselineRttMs,
        at: e.at.toISOString(),
      })),
    };
  }
}

/** A private or other special-purpose address: not looked up, marked as on the map. */
function isPrivateNode(address: string): boolean {
  const ip = parseIp(address);
  return ip !== null && reservedRange(ip) !== null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "4 paths (2 probes) from 2 agents lose packets after AS64500 hop 10.1.2.3" (or "… after AS64500 (hops a, b)"). */
export function summary(c: Pick<RootCause, 'kind' | 'scope' | 'paths' | 'probes' | 'agents' | 'ip' | 'addresses'>, asn: number | null): string {
  const what = c.kind === 'loss' ? 'lose packets' : 'slow down';
  const where = c.scope === 'as' ? `AS${asn} (hops ${c.addresses.join(', ')})` : `${asn === null ? '' : `AS${asn} `}hop ${c.ip}`;
  return `${plural(c.paths, 'path')} (${plural(c.probes, 'probe')}) from ${plural(c.agents, 'agent')} ${what} after ${where}`;
}
