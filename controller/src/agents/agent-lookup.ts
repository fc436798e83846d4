import type { EntityManager, Repository } from 'typeorm';
import { In } from 'typeorm';
import { ApiError } from '../common/api-error';
import { AgentEntity } from './agent.entity';

type AgentSource = Repository<AgentEntity> | EntityManager;

function repoOf(source: AgentSource): Repository<AgentEntity> {
  return 'getRepository' in source ? source.getRepository(AgentEntity) : source;
}

/**
 * The agent `agentId` of workspace `workspaceId`, or 404. Soft-deleted agents are excluded by
 * TypeORM, so a deleted agent and one of another workspace look exactly like a missing one.
 */
export async function findWorkspaceAgent(source: AgentSource, workspaceId: number, agentId: number): Promise<AgentEntity> {
  const agent = await repoOf(source).findOne({ where: { id: agentId, workspaceId } });
  if (!agent) throw ApiError.notFound('agent');
  return agent;
}

/** Which of `ids` are live agents of the workspace (for agent_targets and copy destinations). */
export async function liveAgentIds(source: AgentSource, workspaceId: number, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await repoOf(source).find({ select: { id: true }, where: { workspaceId, id: In([...new Set(ids)]) } });
  return new Set(rows.map((r) => r.id));
}
