import { Injectable } from '@nestjs/common';
import { AgentDirectory, type AgentSummary } from '../agents/agent-directory.service';
import { ProbeDirectory } from '../probes/probe-directory.service';

export interface ProbeFacts {
  id: number;
  agentId: number;
  type: string;
  name: string;
  targets: string[];
}

export type AgentFacts = AgentSummary;

/**
 * What alerts need to know about probes and agents: that a rule's scope lies inside its
 * workspace, and the names an alert shows. Read-only, always workspace-scoped, asked of the
 * tables' owners.
 */
@Injectable()
export class AlertSubjects {
  constructor(
    private readonly probeDirectory: ProbeDirectory,
    private readonly agentDirectory: AgentDirectory,
  ) {}

  async probes(workspaceId: number, ids: readonly number[]): Promise<Map<number, ProbeFacts>> {
    const views = await this.probeDirectory.findMany(workspaceId, ids);
    return new Map(
      views.map((p) => [
        p.id,
        {
          id: p.id,
          agentId: p.agent_id,
          type: p.type,
          name: typeof p.labels?.name === 'string' ? p.labels.name : `${p.type} ${p.targets.join(', ')}`.trim(),
          targets: p.targets,
        },
      ]),
    );
  }

  async agents(workspaceId: number, ids?: readonly number[]): Promise<Map<number, AgentFacts>> {
    const rows = await this.agentDirectory.summaries(workspaceId, ids);
    return new Map(rows.map((a) => [a.id, a]));
  }
}
