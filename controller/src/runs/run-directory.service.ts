import { Injectable } from '@nestjs/common';
import { isProbeType, type ProbeType } from '@netwatcher/shared';
import { RunStore } from './run-store';

/** What other features may ask about runs (ingest: which runs a result may name). */
@Injectable()
export class RunDirectory {
  constructor(private readonly store: RunStore) {}

  /** The type of each of `runIds` that is a run of this agent (others are left out). */
  async typesOfAgentRuns(workspaceId: number, agentId: number, runIds: readonly number[]): Promise<Map<number, ProbeType>> {
    const rows = await this.store.runsOfAgent(workspaceId, agentId, runIds);
    return new Map(rows.flatMap((r) => (isProbeType(r.type) ? [[Number(r.id), r.type] as const] : [])));
  }
}
