import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeType } from '@netwatcher/shared';
import { Brackets, In, Repository } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ProbeEntity } from './probe.entity';
import { ProbeView, toProbeView } from './probe.view';

/** What other features may ask about probes (they never read the probes table themselves). */
@Injectable()
export class ProbeDirectory {
  constructor(
    @InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>,
    private readonly agents: AgentDirectory,
  ) {}

  /** The probe of the workspace, or null (another workspace's probe is just as absent). */
  async find(workspaceId: number, probeId: number): Promise<ProbeView | null> {
    const probe = await this.probes.findOne({ where: { id: probeId, workspaceId } });
    return probe ? toProbeView(probe) : null;
  }

  /** Those of `ids` that are probes of the workspace (others are left out). */
  async findMany(workspaceId: number, ids: readonly number[]): Promise<ProbeView[]> {
    if (ids.length === 0) return [];
    const rows = await this.probes.find({ where: { workspaceId, id: In([...new Set(ids)]) } });
    return rows.map(toProbeView);
  }

  /** Every probe of the workspace of these types, by id (reports; a workspace holds thousands at most). */
  async allOfTypes(workspaceId: number, types: readonly ProbeType[]): Promise<ProbeView[]> {
    const rows = await this.probes.find({ where: { workspaceId, type: In([...types]) }, order: { id: 'ASC' } });
    return rows.map(toProbeView);
  }

  /** One page of the workspace's probes of these types, by id, and how many there are in all. */
  async pageOfTypes(workspaceId: number, types: readonly ProbeType[], page: { limit: number; offset: number }): Promise<[ProbeView[], number]> {
    const [rows, total] = await this.probes.findAndCount({
      where: { workspaceId, type: In([...types]) },
      order: { id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return [rows.map(toProbeView), total];
  }

  /**
   * Enabled probes of these types in every workspace, with their agent (runs/: the speed-test
   * queue enqueues scheduled SPEEDTEST probes). Deleted agents' probes are left out.
   */
  async enabledOfTypesEverywhere(types: readonly ProbeType[]): Promise<Array<ProbeView & { workspace_id: number }>> {
    const rows = await this.probes.find({ where: { type: In([...types]), enabled: true }, order: { id: 'ASC' } });
    const serving = await this.agents.servingAgentIds(rows.map((r) => r.agentId));
    return rows.filter((r) => serving.has(r.agentId)).map((r) => ({ ...toProbeView(r), workspace_id: r.workspaceId }));
  }

  /**
   * Probes of live agents of the same workspace that share a host target or a target agent with
   * `reference`, by id, at most `limit`.
   */
  async similarTo(
    workspaceId: number,
    reference: ProbeView,
    options: { sameType: boolean; excludeId?: number; limit: number },
  ): Promise<ProbeView[]> {
    const liveAgents = await this.agents.allLiveAgentIds(workspaceId);
    const query = this.probes
      .createQueryBuilder('p')
      .where('p.workspace_id = :workspaceId', { workspaceId })
      .andWhere('p.agent_id = ANY(:liveAgents)', { liveAgents })
      .andWhere(
        new Brackets((b) => {
          b.where(`EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.targets) t WHERE t = ANY(:targets))`, {
            targets: reference.targets.length > 0 ? reference.targets : [''],
          }).orWhere(`EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.agent_targets) t WHERE t::int = ANY(:agentTargets))`, {
            agentTargets: reference.agent_targets.length > 0 ? reference.agent_targets : [0],
          });
        }),
      )
      .orderBy('p.id', 'ASC')
      .limit(options.limit);
    if (options.sameType) query.andWhere('p.type = :type', { type: reference.type });
    if (options.excludeId !== undefined) query.andWhere('p.id <> :excludeId', { excludeId: options.excludeId });
    return (await query.getMany()).map(toProbeView);
  }
}
