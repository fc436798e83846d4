import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';
import { writeReturning } from '../database/sql-rows';
import { ApiError } from '../common/api-error';
import { auditDiff, AuditTrail } from '../common/audit-trail';
import { ListResponse, PageQueryDto, toList } from '../common/pagination';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { CreateProbeDto, UpdateProbeDto } from './dto/probe.dto';
import { ProbeChangePublisher } from './probe-change.publisher';
import { ProbeEntity } from './probe.entity';
import { newProbeRow, settingsOfRow } from './probe-row';
import { draftFrom, ProbeDraft, ProbeRuleContext, ProbeSettings, validateProbe } from './probe-rules';
import { CreatedProbeView, ProbeView, toProbeView } from './probe.view';
import { TrafficsimPairs } from './trafficsim-pairs.service';

/** What the audit log compares on a probe update (a probe holds no secret). */
const PROBE_FIELDS = ['enabled', 'intervalSec', 'timeoutSec', 'count', 'durationSec', 'targets', 'agentTargets', 'labels', 'metadata'] as const;
const PROBE = (id: number) => ({ type: 'probe', id });

/** Validated settings or a 400 listing every problem. */
export function requireValidProbe(draft: ProbeDraft, ctx: ProbeRuleContext): ProbeSettings {
  const result = validateProbe(draft, ctx);
  if (!result.ok) throw ApiError.badRequest(result.errors.join('; '), 'invalid_probe');
  return result.probe;
}

/** Inserts a validated probe and returns its id; all probe writes go through here. */
export async function insertProbe(
  em: EntityManager,
  workspaceId: number,
  agentId: number,
  settings: ProbeSettings,
  reverseOfProbeId: number | null = null,
): Promise<number> {
  const probes = em.getRepository(ProbeEntity);
  const saved = await probes.save(probes.create(newProbeRow(workspaceId, agentId, settings, reverseOfProbeId)));
  return saved.id;
}

/** One spelling of a PATCH field, or a 400 when both spellings disagree. */
function oneOf<T>(names: [string, string], a: T | undefined, b: T | undefined): T | undefined {
  if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) {
    throw ApiError.badRequest(`${names[0]} and ${names[1]} are the same field and disagree; send one`, 'conflicting_fields');
  }
  return a ?? b;
}

/**
 * Probe configuration of one agent. Every query names the workspace AND the agent, so a probe id
 * addressed under another agent or workspace is a 404. Agents whose probe set changed are
 * notified only after the transaction committed.
 */
@Injectable()
export class ProbesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>,
    private readonly agents: AgentDirectory,
    private readonly access: WorkspaceAccessService,
    private readonly changes: ProbeChangePublisher,
    private readonly audit: AuditTrail,
    private readonly pairs: TrafficsimPairs,
  ) {}

  async list(userId: number, workspaceId: number, agentId: number, page: PageQueryDto): Promise<ListResponse<ProbeView>> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    await this.agents.requireAgent(workspaceId, agentId);
    const [rows, total] = await this.probes.findAndCount({
      where: { workspaceId, agentId },
      order: { id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return toList(rows.map(toProbeView), total, page);
  }

  async get(userId: number, workspaceId: number, agentId: number, probeId: number): Promise<ProbeView> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    await this.agents.requireAgent(workspaceId, agentId);
    return toProbeView(await this.findProbe(this.db.manager, workspaceId, agentId, probeId));
  }

  /**
   * With `bidirectional: true` (AGENT only) every target agent also gets the mirror probe toward
   * this agent. Primary and mirrors are one transaction: any failure writes nothing.
   */
  async create(userId: number, workspaceId: number, agentId: number, dto: CreateProbeDto): Promise<CreatedProbeView> {
    await this.access.require(userId, workspaceId, 'USER');
    if (dto.workspace_id !== undefined && dto.workspace_id !== workspaceId) {
      throw ApiError.badRequest('workspace_id in the body must match the path', 'path_mismatch');
    }
    if (dto.agent_id !== undefined && dto.agent_id !== agentId) {
      throw ApiError.badRequest('agent_id in the body must match the path', 'path_mismatch');
    }
    if (dto.bidirectional && dto.type !== 'AGENT') {
      throw ApiError.badRequest('bidirectional only applies to AGENT probes', 'invalid_probe');
    }
    const draft: ProbeDraft = {
      type: dto.type,
      enabled: dto.enabled,
      interval_sec: dto.interval_sec,
      timeout_sec: dto.timeout_sec,
      count: dto.count,
      duration_sec: dto.duration_sec,
      server: dto.server,
      targets: dto.targets,
      agent_targets: dto.agent_targets,
      labels: dto.labels,
      metadata: dto.metadata,
    };
    const { probeId, reverseIds, settings } = await this.db.transaction(async (em) => {
      await this.agents.requireAgent(workspaceId, agentId, em);
      const known = await this.agents.liveAgentIds(workspaceId, draft.agent_targets ?? [], em);
      const servers = await this.pairs.serverAgentIds(workspaceId, [...known], em);
      const primary = requireValidProbe(draft, { agentId, knownAgentIds: known, trafficsimServerAgentIds: servers });
      const id = await insertProbe(em, workspaceId, agentId, primary);
      const mirrors: number[] = [];
      if (dto.bidirectional) {
        for (const peer of primary.agentTargets) {
          const mirror = requireValidProbe(
            { ...draftFrom(primary), agent_targets: [agentId] },
            { agentId: peer, knownAgentIds: new Set([agentId]) },
          );
          mirrors.push(await insertProbe(em, workspaceId, peer, mirror, id));
        }
      }
      await this.audit.record(
        { workspaceId, action: 'probe.created', target: PROBE(id), changes: { agent_id: agentId, ...primary, reverse_probe_ids: mirrors } },
        em,
      );
      return { probeId: id, reverseIds: mirrors, settings: primary };
    });
    const created = await this.findProbe(this.db.manager, workspaceId, agentId, probeId);
    const paired = await this.pairs.affectedAgents(created);
    void this.changes.notifyAll(workspaceId, [agentId, ...(reverseIds.length > 0 ? settings.agentTargets : []), ...paired]);
    return { ...toProbeView(created), reverse_probe_ids: reverseIds };
  }

  /**
   * Merges the change into the stored probe and re-validates the whole result with the create
   * rules. Agent targets the probe already had are accepted even if that peer was deleted since,
   * so a probe can still be disabled or edited; newly added agent targets must be live.
   */
  async update(userId: number, workspaceId: number, agentId: number, probeId: number, dto: UpdateProbeDto): Promise<ProbeView> {
    await this.access.require(userId, workspaceId, 'USER');
    const change: Partial<ProbeDraft> = {
      enabled: dto.enabled,
      interval_sec: oneOf(['intervalSec', 'interval_sec'], dto.intervalSec, dto.interval_sec),
      timeout_sec: oneOf(['timeoutSec', 'timeout_sec'], dto.timeoutSec, dto.timeout_sec),
      count: dto.count,
      duration_sec: dto.duration_sec,
      labels: dto.labels,
      metadata: dto.metadata,
      targets: oneOf(['replaceTargets', 'targets'], dto.replaceTargets, dto.targets),
      agent_targets: oneOf(['replaceAgentTargets', 'agent_targets'], dto.replaceAgentTargets, dto.agent_targets),
    };
    const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    if (Object.keys(given).length === 0) throw ApiError.badRequest('nothing to update', 'empty_update');

    const before = await this.db.transaction(async (em) => {
      await this.agents.requireAgent(workspaceId, agentId, em);
      const current = await this.findProbe(em, workspaceId, agentId, probeId, true);
      const previous = { ...current };
      const merged: ProbeDraft = { ...draftFrom(settingsOfRow(current)), ...given };
      const stored = settingsOfRow(current).agentTargets;
      const added = (merged.agent_targets ?? []).filter((id) => !stored.includes(id));
      const known = new Set([...stored, ...(await this.agents.liveAgentIds(workspaceId, added, em))]);
      // A server the probe already paired with stays acceptable, as a deleted peer does.
      const servers = new Set([...stored, ...(await this.pairs.serverAgentIds(workspaceId, added, em))]);
      const settings = requireValidProbe(merged, { agentId, knownAgentIds: known, trafficsimServerAgentIds: servers });
      const changes = auditDiff(settingsOfRow(current), settings, PROBE_FIELDS);
      // type and server came from the stored probe (PATCH cannot change them), so assigning all is safe.
      const saved = await em.getRepository(ProbeEntity).save(Object.assign(current, settings));
      await this.pairs.prune(em, saved);
      if (Object.keys(changes).length > 0) await this.audit.record({ workspaceId, action: 'probe.updated', target: PROBE(probeId), changes }, em);
      return previous;
    });
    const updated = await this.findProbe(this.db.manager, workspaceId, agentId, probeId);
    // Peers of the old and the new settings: a server that lost this client, one that gained it.
    const paired = [...(await this.pairs.affectedAgents(before)), ...(await this.pairs.affectedAgents(updated))];
    void this.changes.notifyAll(workspaceId, [agentId, ...paired]);
    return toProbeView(updated);
  }

  async remove(userId: number, workspaceId: number, agentId: number, probeId: number): Promise<void> {
    await this.access.require(userId, workspaceId, 'USER');
    await this.agents.requireAgent(workspaceId, agentId);
    const gone = await this.db.transaction(async (em) => {
      const deleted = await writeReturning<{ id: number; type: string; server: boolean; targets: string[]; agent_targets: number[]; metadata: Record<string, unknown> }>(
        em,
        'DELETE FROM probes WHERE id = $1 AND workspace_id = $2 AND agent_id = $3 RETURNING id, type, server, targets, agent_targets, metadata',
        [probeId, workspaceId, agentId],
      );
      if (deleted.length === 0) throw ApiError.notFound('probe');
      const { type, server, targets } = deleted[0];
      // Its own keys went with it (cascade); a server's pairs end with the agent's last server probe.
      if (type === 'TRAFFICSIM' && server) await this.pairs.dropServer(em, workspaceId, agentId);
      await this.audit.record({ workspaceId, action: 'probe.deleted', target: PROBE(probeId), changes: { agent_id: agentId, type, targets } }, em);
      return deleted[0];
    });
    const paired = await this.pairs.affectedAgents({
      id: gone.id, workspaceId, agentId, type: gone.type, server: gone.server, targets: gone.targets, agentTargets: gone.agent_targets.map(Number), metadata: gone.metadata,
    });
    void this.changes.notifyAll(workspaceId, [agentId, ...paired]);
  }

  private async findProbe(em: EntityManager, workspaceId: number, agentId: number, probeId: number, lock = false): Promise<ProbeEntity> {
    const probe = await em.getRepository(ProbeEntity).findOne({
      where: { id: probeId, workspaceId, agentId },
      // Two concurrent PATCHes of one probe must merge one after the other, not both from the same base.
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!probe) throw ApiError.notFound('probe');
    return probe;
  }
}
