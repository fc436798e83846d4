import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import type { AgentEntity } from './agent.entity';
import type { AgentRequest } from './agent-psk.guard';

/** The agent AgentPskGuard authenticated; use only on routes guarded by it. */
export const CurrentAgent = createParamDecorator((_: unknown, ctx: ExecutionContext): AgentEntity => {
  const agent = ctx.switchToHttp().getRequest<AgentRequest>().agent;
  // A route that forgot the guard must fail closed, not run with no agent.
  if (!agent) throw ApiError.unauthorized('agent credentials required', 'agent_auth_required');
  return agent;
});
