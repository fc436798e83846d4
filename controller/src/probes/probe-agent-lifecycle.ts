import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';
import { AgentCreationHook, AgentLifecycle } from '../agents/agent-lifecycle';
import type { AgentRef } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { ProbeChangePublisher } from './probe-change.publisher';
import { ProbeEntity } from './probe.entity';
import { newProbeRow } from './probe-row';
import { defaultAgentProbes } from './probe-rules';
import { TrafficsimPairs } from './trafficsim-pairs.service';

/** What probes do when an agent comes or goes. */
@Injectable()
export class ProbeAgentLifecycle implements AgentCreationHook, OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lifecycle: AgentLifecycle,
    private readonly agents: AgentDirectory,
    private readonly events: DomainEventBus,
    private readonly changes: ProbeChangePublisher,
    private readonly pairs: TrafficsimPairs,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register(this);
    this.unsubscribe = this.events.on('agent.deleted', (agent) => this.agentDeleted(agent));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** A new agent starts with its NETINFO/SYSINFO probes, in the transaction that creates it. */
  async onAgentCreated(em: EntityManager, { workspaceId, agentId }: AgentRef): Promise<void> {
    const probes = em.getRepository(ProbeEntity);
    await probes.save(defaultAgentProbes(agentId).map((p) => probes.create(newProbeRow(workspaceId, agentId, p))));
  }

  /**
   * The deleted agent is told its probe set changed (it is disconnected and stops for good) and
   * so is every live agent whose probes target it (their plans lose a peer) or that served its
   * TRAFFICSIM flows (they drop its keys: the server's list only has live clients).
   */
  private async agentDeleted({ workspaceId, agentId }: AgentRef): Promise<void> {
    const rows = await this.db.query<Array<{ agent_id: number }>>(
      'SELECT DISTINCT agent_id FROM probes WHERE workspace_id = $1 AND agent_targets @> $2::jsonb',
      [workspaceId, JSON.stringify([agentId])],
    );
    // And the TRAFFICSIM servers its own probes were paired with: they stop accepting its keys.
    const own = await this.db.query<Array<{ id: number; type: string; server: boolean; targets: string[]; agent_targets: number[] }>>(
      `SELECT id, type, server, targets, agent_targets FROM probes WHERE workspace_id = $1 AND agent_id = $2 AND type IN ('TRAFFICSIM', 'AGENT') AND NOT server`,
      [workspaceId, agentId],
    );
    const servers = await Promise.all(
      own.map((p) => this.pairs.affectedAgents({ id: Number(p.id), workspaceId, agentId, type: p.type, server: p.server, targets: p.targets, agentTargets: p.agent_targets.map(Number), metadata: {} })),
    );
    const peers = await this.agents.liveAgentIds(workspaceId, [...rows.map((r) => Number(r.agent_id)), ...servers.flat()]);
    await this.changes.notifyAll(workspaceId, [agentId, ...peers]);
  }
}
