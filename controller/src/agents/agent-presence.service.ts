import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { ONLINE_WINDOW_MS, PRESENCE_REFRESH_MS } from './presence';

const SEEN_FLUSH_MS = 1000;

/**
 * Presence writes for the agents connected to this replica: `last_seen_at` when an agent
 * connects and every PRESENCE_REFRESH_MS while it stays connected (see presence.ts). The
 * gateway only reports connects and disconnects.
 */
@Injectable()
export class AgentPresence implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentPresence.name);
  /** Connected agents and how many sockets each has here (a reconnect may overlap the old one). */
  private readonly connected = new Map<number, number>();
  private readonly seenSinceFlush = new Set<number>();
  /** When each agent's last socket here closed (cleared on connect), for leftHereRecently. */
  private readonly leftAt = new Map<number, number>();
  private seenTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;

  constructor(@InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>) {}

  onModuleInit(): void {
    this.refreshTimer = setInterval(() => this.refresh(), PRESENCE_REFRESH_MS);
    this.refreshTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refreshTimer);
    clearTimeout(this.seenTimer);
  }

  connect(agentId: number): void {
    this.connected.set(agentId, (this.connected.get(agentId) ?? 0) + 1);
    this.leftAt.delete(agentId);
    this.markSeen(agentId);
  }

  disconnect(agentId: number): void {
    const left = (this.connected.get(agentId) ?? 1) - 1;
    if (left > 0) this.connected.set(agentId, left);
    else {
      this.connected.delete(agentId);
      this.leftAt.set(agentId, Date.now());
    }
  }

  /** An agent socket is connected to this replica now. */
  isConnectedHere(agentId: number): boolean {
    return this.connected.has(agentId);
  }

  /**
   * The agent's last socket on this replica closed less than the online window ago (and none
   * opened here since): its fresh last_seen_at no longer means it is reachable.
   */
  leftHereRecently(agentId: number, now = Date.now()): boolean {
    const left = this.leftAt.get(agentId);
    return left !== undefined && now - left < ONLINE_WINDOW_MS;
  }

  /** The version the agent reported; it also counts as a sign of life. */
  async reportVersion(agentId: number, version: string): Promise<void> {
    await this.agents.update({ id: agentId }, { version, lastSeenAt: new Date() });
  }

  /**
   * Connections mark presence in one UPDATE per second, not one each: after a controller
   * restart thousands of agents reconnect at once, and on PGlite every query runs on the main
   * thread.
   */
  private markSeen(agentId: number): void {
    this.seenSinceFlush.add(agentId);
    if (this.seenTimer) return;
    this.seenTimer = setTimeout(() => {
      this.seenTimer = undefined;
      const ids = [...this.seenSinceFlush];
      this.seenSinceFlush.clear();
      this.agents.update({ id: In(ids) }, { lastSeenAt: new Date(), initialized: true }).catch((e: unknown) => {
        this.logger.warn({ err: e, agents: ids.length }, 'presence update failed');
      });
    }, SEEN_FLUSH_MS);
    this.seenTimer.unref();
  }

  /** Every connected agent goes through the same batched update as a new connection. */
  private refresh(): void {
    for (const agentId of this.connected.keys()) this.markSeen(agentId);
  }
}
