import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeConfig, ProbeConfigSet } from '@netwatcher/shared';
import { In, Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { ApiError } from '../common/api-error';
import { ProbeEntity } from '../probes/probe.entity';
import { toProbeView } from '../probes/probe.view';
import { TimeSeriesStore } from '../timeseries/timeseries.store';

/** Builds the probe set an agent runs, as sent in `probe_get`. */
@Injectable()
export class AgentConfigService {
  constructor(
    @InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly store: TimeSeriesStore,
  ) {}

  /** 410 when the agent or its workspace was deleted since the socket connected. */
  async configSet(workspaceId: number, agentId: number): Promise<ProbeConfigSet> {
    const [live] = await this.agents.manager.query<Array<{ id: number }>>(
      `SELECT a.id FROM agents a JOIN workspaces w ON w.id = a.workspace_id
        WHERE a.id = $1 AND a.workspace_id = $2 AND a.deleted_at IS NULL AND w.deleted_at IS NULL`,
      [agentId, workspaceId],
    );
    if (!live) throw ApiError.gone('this agent or its workspace was deleted', 'agent_deleted');
    const probes = await this.probes.find({ where: { workspaceId, agentId }, order: { id: 'ASC' } });
    const peerIds = [...new Set(probes.flatMap((p) => p.agentTargets))];
    const addresses = await this.peerAddresses(workspaceId, peerIds);
    // The REST view minus what the agent has no use for, with each peer's address resolved.
    const configs: ProbeConfig[] = probes.map(toProbeView).map((v) => ({
      id: v.id,
      type: v.type,
      enabled: v.enabled,
      interval_sec: v.interval_sec,
      timeout_sec: v.timeout_sec,
      count: v.count,
      duration_sec: v.duration_sec,
      server: v.server,
      targets: v.targets,
      agent_targets: v.agent_targets.map((id) => ({ id, address: addresses.get(id) ?? null })),
      updated_at: v.updated_at,
    }));
    const revision = createHash('sha256').update(JSON.stringify(configs)).digest('hex').slice(0, 16);
    return { probes: configs, revision };
  }

  /**
   * Where a peer agent can be reached: the operator's override, else the public address the
   * peer last reported in NETINFO. Unknown peers get null and are skipped by the agent.
   */
  private async peerAddresses(workspaceId: number, peerIds: number[]): Promise<Map<number, string>> {
    const result = new Map<number, string>();
    if (peerIds.length === 0) return result;
    const peers = await this.agents.find({ where: { workspaceId, id: In(peerIds) }, select: { id: true, publicIpOverride: true } });
    for (const peer of peers) if (peer.publicIpOverride) result.set(peer.id, peer.publicIpOverride);
    const missing = peers.filter((p) => !result.has(p.id)).map((p) => p.id);
    if (missing.length === 0) return result;
    const reported = await this.store.query<{ agent: number; ip: string }>(
      `SELECT probe_agent_id AS agent, JSONExtractString(payload, 'public_ip') AS ip
       FROM probe_results
       WHERE workspace_id = {workspaceId:UInt32} AND type = 'NETINFO' AND probe_agent_id IN {ids:Array(UInt32)}
       ORDER BY created_at DESC LIMIT 1 BY probe_agent_id`,
      { workspaceId, ids: missing },
    );
    for (const row of reported) if (row.ip) result.set(Number(row.agent), row.ip);
    return result;
  }
}
