import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeType } from '@netwatcher/shared';
import { Repository } from 'typeorm';
import { ProbeEntity } from '../probes/probe.entity';

type ProbeTypes = Map<number, ProbeType>;

/**
 * Which probes each agent owns, for checking every posted result without a database round trip.
 * Entries are dropped when the agent's probes change; a miss reloads once, so a result for a
 * probe created a moment ago is still accepted.
 */
@Injectable()
export class AgentProbeIndex {
  private readonly byAgent = new Map<number, Promise<ProbeTypes>>();

  constructor(@InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>) {}

  async resolver(workspaceId: number, agentId: number, probeIds: number[]): Promise<(probeId: number) => ProbeType | undefined> {
    let types = await this.load(workspaceId, agentId);
    if (probeIds.some((id) => !types.has(id))) {
      this.invalidate(agentId);
      types = await this.load(workspaceId, agentId);
    }
    return (probeId) => types.get(probeId);
  }

  invalidate(agentId: number): void {
    this.byAgent.delete(agentId);
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
