import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AgentEntity } from './agent.entity';
import { findWorkspaceAgent, liveAgentIds } from './agent-lookup';
import { ONLINE_WINDOW_MS } from './presence';

/** What other features may show of an agent. */
export interface AgentSummary {
  id: number;
  name: string;
  lastSeenAt: Date | null;
  createdAt: Date;
}

/**
 * What other features may ask about agents (they never read the agents table themselves).
 * Methods that take an EntityManager run inside the caller's transaction.
 */
@Injectable()
export class AgentDirectory {
  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly workspaces: WorkspaceAccessService,
  ) {}

  /** 404 unless `agentId` is a live agent of the workspace. */
  async requireAgent(workspaceId: number, agentId: number, em?: EntityManager): Promise<void> {
    await findWorkspaceAgent(em ?? this.agents, workspaceId, agentId);
  }

  async isLive(workspaceId: number, agentId: number): Promise<boolean> {
    return (await this.agents.count({ where: { id: agentId, workspaceId } })) > 0;
  }

  /** The agent and its workspace both exist (neither soft-deleted): it may still run probes. */
  async isServing(workspaceId: number, agentId: number): Promise<boolean> {
    return (await this.isLive(workspaceId, agentId)) && (await this.workspaces.isLive(workspaceId));
  }

  /**
   * Which of `agentIds` are serving (see isServing), whatever their workspace: two queries per
   * batch (AgentProbeIndex asks on a cache miss, not per result).
   */
  async servingAgentIds(agentIds: readonly number[]): Promise<Set<number>> {
    if (agentIds.length === 0) return new Set();
    const rows = await this.agents.find({ select: { id: true, workspaceId: true }, where: { id: In([...new Set(agentIds)]) } });
    const liveWorkspaces = await this.workspaces.liveWorkspaceIds(rows.map((a) => a.workspaceId));
    return new Set(rows.filter((a) => liveWorkspaces.has(a.workspaceId)).map((a) => a.id));
  }

  /**
   * Serving agents of every workspace, online (seen within the presence window, as
   * `isOnline` decides) or not: what the fleet looks like to an operator's monitoring.
   */
  async countByPresence(now = Date.now()): Promise<{ online: number; offline: number }> {
    const [row] = await this.agents.manager.query<Array<{ online: number; total: number }>>(
      `SELECT count(*) FILTER (WHERE a.last_seen_at > $1)::int AS online, count(*)::int AS total
         FROM agents a JOIN workspaces w ON w.id = a.workspace_id
        WHERE a.deleted_at IS NULL AND w.deleted_at IS NULL`,
      [new Date(now - ONLINE_WINDOW_MS)],
    );
    const online = Number(row?.online ?? 0);
    return { online, offline: Number(row?.total ?? 0) - online };
  }

  /** Name and liveness facts of the workspace's live agents (all, or those of `ids`). */
  async summaries(workspaceId: number, ids?: readonly number[]): Promise<AgentSummary[]> {
    if (ids && ids.length === 0) return [];
    const rows = await this.agents.find({
      where: { workspaceId, ...(ids ? { id: In([...new Set(ids)]) } : {}) },
      select: { id: true, name: true, lastSeenAt: true, createdAt: true },
    });
    return rows.map((a) => ({ id: a.id, name: a.name, lastSeenAt: a.lastSeenAt, createdAt: a.createdAt }));
  }

  /** Which of `ids` are live agents of the workspace. */
  liveAgentIds(workspaceId: number, ids: readonly number[], em?: EntityManager): Promise<Set<number>> {
    return liveAgentIds(em ?? this.agents, workspaceId, ids);
  }

  /** Every live agent of the workspace. */
  async allLiveAgentIds(workspaceId: number): Promise<number[]> {
    const rows = await this.agents.find({ select: { id: true }, where: { workspaceId } });
    return rows.map((r) => r.id);
  }

  /** Each live agent among `ids` with the operator's `public_ip_override` (null when not set). */
  async publicIpOverrides(workspaceId: number, ids: readonly number[]): Promise<Map<number, string | null>> {
    const result = new Map<number, string | null>();
    if (ids.length === 0) return result;
    const peers = await this.agents.find({ where: { workspaceId, id: In([...ids]) }, select: { id: true, publicIpOverride: true } });
    for (const peer of peers) result.set(peer.id, peer.publicIpOverride || null);
    return result;
  }
}
