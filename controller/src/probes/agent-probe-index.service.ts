import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeType } from '@netwatcher/shared';
import { In, Repository } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ApiError } from '../common/api-error';
import { DomainEventBus } from '../events/event-bus';
import { ProbeEntity } from './probe.entity';

type ProbeTypes = Map<number, ProbeType>;

/** A miss reloads an agent's probes at most this often (invalidate() always allows the next one). */
export const MISS_RELOAD_INTERVAL_MS = 1000;
/** Agents whose probes one query loads, at most (keeps the IN list and the answer bounded). */
const LOAD_CHUNK = 1000;

interface QueuedLoad {
  workspaceId: number;
  resolve(types: ProbeTypes): void;
  reject(error: unknown): void;
}

/**
 * Which probes each agent owns, for checking every posted result without a database round trip.
 * Loads are batched: after a controller restart thousands of agents reconnect and post at once,
 * and one query per agent (serialized on PGlite's single thread) kept posts waiting for seconds;
 * the agents asked for in one turn of the event loop are loaded with one query.
 * Entries are dropped when the agent's probes change (`probe.changed`, from every replica); a
 * miss reloads, so a result for a probe created elsewhere a moment ago is still accepted, but
 * at most once a second per agent: an agent that keeps naming probes it does not own costs
 * one query a second, not one per message.
 */
@Injectable()
export class AgentProbeIndex implements OnModuleInit, OnModuleDestroy {
  private readonly byAgent = new Map<number, Promise<ProbeTypes>>();
  private readonly lastMissReload = new Map<number, number>();
  private readonly queued = new Map<number, QueuedLoad>();
  private loadScheduled = false;

  private unsubscribe?: () => void;

  constructor(
    @InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>,
    private readonly agents: AgentDirectory,
    private readonly events: DomainEventBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.on('probe.changed', ({ agentId }) => this.invalidate(agentId));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async resolver(workspaceId: number, agentId: number, probeIds: number[]): Promise<(probeId: number) => ProbeType | undefined> {
    let types = await this.load(workspaceId, agentId);
    if (probeIds.some((id) => !types.has(id)) && this.mayReloadOnMiss(agentId)) {
      this.byAgent.delete(agentId);
      types = await this.load(workspaceId, agentId);
    }
    return (probeId) => types.get(probeId);
  }

  invalidate(agentId: number): void {
    this.byAgent.delete(agentId);
    this.lastMissReload.delete(agentId);
  }

  private mayReloadOnMiss(agentId: number, now = Date.now()): boolean {
    const last = this.lastMissReload.get(agentId);
    if (last !== undefined && now - last < MISS_RELOAD_INTERVAL_MS) return false;
    this.lastMissReload.set(agentId, now);
    return true;
  }

  private load(workspaceId: number, agentId: number): Promise<ProbeTypes> {
    let entry = this.byAgent.get(agentId);
    if (!entry) {
      entry = new Promise<ProbeTypes>((resolve, reject) => this.queued.set(agentId, { workspaceId, resolve, reject }));
      entry.catch(() => this.byAgent.delete(agentId));
      this.byAgent.set(agentId, entry);
      if (!this.loadScheduled) {
        this.loadScheduled = true;
        setImmediate(() => void this.loadQueued());
      }
    }
    return entry;
  }

  private async loadQueued(): Promise<void> {
    this.loadScheduled = false;
    const batch = [...this.queued];
    this.queued.clear();
    for (let i = 0; i < batch.length; i += LOAD_CHUNK) {
      const chunk = batch.slice(i, i + LOAD_CHUNK);
      try {
        const agentIds = chunk.map(([agentId]) => agentId);
        const rows = await this.probes.find({
          where: { agentId: In(agentIds) },
          select: { id: true, type: true, agentId: true, workspaceId: true },
        });
        // Loaded with the probes, so a socket that outlived its agent's or workspace's deletion
        // (deleted on another replica, or just as it posted) is refused as gone, not served.
        const live = await this.agents.servingAgentIds(agentIds);
        for (const [agentId, { workspaceId, resolve, reject }] of chunk) {
          if (!live.has(agentId)) {
            reject(ApiError.gone('this agent or its workspace was deleted', 'agent_deleted'));
            continue;
          }
          // An agent id is global; the workspace check keeps a mismatched pair from seeing probes.
          resolve(new Map(rows.filter((p) => p.agentId === agentId && p.workspaceId === workspaceId).map((p) => [p.id, p.type])));
        }
      } catch (e) {
        for (const [, { reject }] of chunk) reject(e);
      }
    }
  }
}
