import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { ProbeEntity } from '../probes/probe.entity';

export interface ProbeFacts {
  id: number;
  agentId: number;
  type: string;
  name: string;
  targets: string[];
}

export interface AgentFacts {
  id: number;
  name: string;
  lastSeenAt: Date | null;
  createdAt: Date;
}

/**
 * What alerts need to know about probes and agents: that a rule's scope lies inside its
 * workspace, and the names an alert shows. Read-only, always workspace-scoped.
 */
@Injectable()
export class AlertSubjects {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async probes(workspaceId: number, ids: readonly number[]): Promise<Map<number, ProbeFacts>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.getRepository(ProbeEntity).find({ where: { workspaceId, id: In([...new Set(ids)]) } });
    return new Map(
      rows.map((p) => [
        p.id,
        {
          id: p.id,
          agentId: p.agentId,
          type: p.type,
          name: typeof p.labels?.name === 'string' ? p.labels.name : `${p.type} ${p.targets.join(', ')}`.trim(),
          targets: p.targets,
        },
      ]),
    );
  }

  async agents(workspaceId: number, ids?: readonly number[]): Promise<Map<number, AgentFacts>> {
    if (ids && ids.length === 0) return new Map();
    const rows = await this.db.getRepository(AgentEntity).find({
      where: { workspaceId, ...(ids ? { id: In([...new Set(ids)]) } : {}) },
    });
    return new Map(rows.map((a) => [a.id, { id: a.id, name: a.name, lastSeenAt: a.lastSeenAt, createdAt: a.createdAt }]));
  }
}
