import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ApiError } from '../common/api-error';
import { AuditTrail } from '../common/audit-trail';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { CopyProbesDto } from './dto/probe.dto';
import { ProbeChangePublisher } from './probe-change.publisher';
import { CopySource, planCopy } from './probe-copy.plan';
import { ProbeEntity } from './probe.entity';
import { settingsOfRow } from './probe-row';
import { probeIdentity } from './probe-rules';
import { insertProbe } from './probes.service';
import { TrafficsimPairs } from './trafficsim-pairs.service';

export type CopyResult =
  | { source_probe_id: number; dest_agent_id: number; new_probe_id: number }
  | { source_probe_id: number; dest_agent_id: number; skipped: true; skip_reason: string }
  | { source_probe_id: number; dest_agent_id: number; error: string };

export interface CopyReport {
  created: number;
  skipped: number;
  errors: number;
  results: CopyResult[];
}

/**
 * POST …/agents/{agentID}/probes/copy. The path agent is the source. Planning is pure
 * (probe-copy.plan.ts); every planned probe is then written in one transaction, so the report
 * never names a probe that was not stored. Bad destinations are error entries, not a failure.
 */
@Injectable()
export class ProbeCopyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>,
    private readonly agents: AgentDirectory,
    private readonly access: WorkspaceAccessService,
    private readonly changes: ProbeChangePublisher,
    private readonly audit: AuditTrail,
    private readonly pairs: TrafficsimPairs,
  ) {}

  async copy(userId: number, workspaceId: number, sourceAgentId: number, dto: CopyProbesDto): Promise<CopyReport> {
    await this.access.require(userId, workspaceId, 'USER');
    if (dto.workspace_id !== undefined && dto.workspace_id !== workspaceId) {
      throw ApiError.badRequest('workspace_id in the body must match the path', 'path_mismatch');
    }
    if (dto.source_agent_id !== undefined && dto.source_agent_id !== sourceAgentId) {
      throw ApiError.badRequest('source_agent_id must match the agent in the path (the path names the source)', 'path_mismatch');
    }
    await this.agents.requireAgent(workspaceId, sourceAgentId);

    const sources = await this.loadSources(workspaceId, sourceAgentId, dto);
    const destAgentIds = [...new Set(dto.dest_agent_ids)];
    const liveDestIds = await this.agents.liveAgentIds(workspaceId, destAgentIds);
    const knownAgentIds = await this.agents.liveAgentIds(workspaceId, [
      sourceAgentId,
      ...sources.flatMap((s) => s.settings.agentTargets),
    ]);
    const existing = new Map<number, Set<string>>();
    if (liveDestIds.size > 0) {
      const rows = await this.probes.find({ where: { workspaceId, agentId: In([...liveDestIds]) } });
      for (const row of rows) {
        if (!existing.has(row.agentId)) existing.set(row.agentId, new Set());
        existing.get(row.agentId)?.add(probeIdentity(settingsOfRow(row)));
      }
    }

    const steps = planCopy(
      sources,
      { sourceAgentId, destAgentIds, matchTargets: dto.match_targets ?? false, skipDuplicates: dto.skip_duplicates ?? true },
      { liveDestIds, knownAgentIds, existing, trafficsimServerAgentIds: await this.pairs.serverAgentIds(workspaceId, [...knownAgentIds]) },
    );

    const results = await this.db.transaction(async (em) => {
      const out: CopyResult[] = [];
      for (const step of steps) {
        const base = { source_probe_id: step.sourceProbeId, dest_agent_id: step.destAgentId };
        if (step.kind === 'skip') out.push({ ...base, skipped: true, skip_reason: step.reason });
        else if (step.kind === 'error') out.push({ ...base, error: step.error });
        else out.push({ ...base, new_probe_id: await insertProbe(em, workspaceId, step.destAgentId, step.settings, step.reverseOfProbeId) });
      }
      const copies = out.flatMap((r) => ('new_probe_id' in r ? [{ from: r.source_probe_id, to: r.new_probe_id, agent_id: r.dest_agent_id }] : []));
      if (copies.length > 0) {
        await this.audit.record({ workspaceId, action: 'probe.copied', target: { type: 'agent', id: sourceAgentId }, changes: { copies } }, em);
      }
      return out;
    });

    const changed = steps.filter((s) => s.kind === 'create').map((s) => s.destAgentId);
    // A copied TRAFFICSIM client or AGENT plan pairs with servers, which take its key.
    const paired = await Promise.all(
      steps.flatMap((s) => (s.kind === 'create' && (s.settings.type === 'TRAFFICSIM' || s.settings.type === 'AGENT')
        ? [this.pairs.affectedAgents({ id: 0, workspaceId, agentId: s.destAgentId, ...s.settings })]
        : [])),
    );
    void this.changes.notifyAll(workspaceId, [...changed, ...paired.flat()]);
    return {
      created: changed.length,
      skipped: steps.filter((s) => s.kind === 'skip').length,
      errors: steps.filter((s) => s.kind === 'error').length,
      results,
    };
  }

  /** The source agent's probes, narrowed by probe_ids / probe_types; ids of other agents are a 404. */
  private async loadSources(workspaceId: number, agentId: number, dto: CopyProbesDto): Promise<CopySource[]> {
    const ids = dto.probe_ids && dto.probe_ids.length > 0 ? [...new Set(dto.probe_ids)] : undefined;
    const types = dto.probe_types && dto.probe_types.length > 0 ? [...new Set(dto.probe_types)] : undefined;
    const rows = await this.probes.find({
      where: { workspaceId, agentId, ...(ids ? { id: In(ids) } : {}) },
      order: { id: 'ASC' },
    });
    if (ids && rows.length !== ids.length) {
      const found = new Set(rows.map((r) => r.id));
      throw ApiError.notFound(`probe ${ids.filter((id) => !found.has(id)).join(', ')} of the source agent`);
    }
    return rows.filter((r) => !types || types.includes(r.type)).map((r) => ({ id: r.id, settings: settingsOfRow(r) }));
  }
}
