import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeType } from '@netwatcher/shared';
import { Repository } from 'typeorm';
import { ProbeEntity } from '../probes/probe.entity';

type ProbeTypes = Map<number, ProbeType>;

/** A miss reloads an agent's probes at most this often (invalidate() always allows the next one). */
export const MISS_RELOAD_INTERVAL_MS = 1000;

/**
 * Which probes each agent owns, for checking every posted result without a database round trip.
 * Entries are dropped when the agent's probes change (this process's ProbeChangeNotifier); a
 * miss reloads, so a result for a probe created elsewhere a moment ago is still accepted, but
 * at most once a second per agent: an agent that keeps naming probes it does not own costs
 * one query a second, not one per message.
 */
@Injectable()
export class AgentProbeIndex {
  private readonly byAgent = new Map<number, Promise<ProbeTypes>>();
  private readonly lastMissReload = new Map<number, number>();

  constructor(@InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>) {}

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
      entry = this.probes
        .find({ where: { workspaceId, agentId }, select: { id: true, type: true } })
        .then((rows) => new Map(rows.map((p) => [p.id, p.type])));
      entry.catch(() => this.byAgent.delete(agentId));
      this.byAgent.set(agentId, entry);
    }
    return entry;
  }
}
