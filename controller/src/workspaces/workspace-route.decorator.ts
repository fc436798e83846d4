import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { type Caller, type CallerRequest, reachesWorkspace } from '../auth/caller';
import { AuthUser, callerOf } from '../auth/current-user.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Scope } from '../auth/scopes';
import { ApiError } from '../common/api-error';
import { parseId } from '../common/id-param';
import type { WorkspaceRole } from '../common/roles';
import { WORKSPACE_ROLE, WorkspaceRouteGuard } from './workspace-route.guard';

/**
 * A route inside `/workspaces/:id/…`: the least workspace role it needs and the scope an API
 * token needs for it. Services still check membership; the role for the route is decided here.
 */
export function WorkspaceRoute(role: WorkspaceRole, scope: Scope): MethodDecorator {
  return applyDecorators(SetMetadata(WORKSPACE_ROLE, role), RequireScope(scope), UseGuards(WorkspaceRouteGuard));
}

export interface WorkspaceTarget {
  caller: Caller;
  /** The account behind the caller, as services take it. */
  user: AuthUser;
  workspaceId: number;
}

export interface AgentTarget extends WorkspaceTarget {
  agentId: number;
}

export interface ProbeTarget extends AgentTarget {
  probeId: number;
}

function pathId(ctx: ExecutionContext, param: string, name: string): number {
  return parseId(ctx.switchToHttp().getRequest<CallerRequest>().params[param], name);
}

/** A workspace outside an API token's restriction answers as a missing one (also off @WorkspaceRoute). */
function workspaceTarget(ctx: ExecutionContext): WorkspaceTarget {
  const caller = callerOf(ctx);
  const workspaceId = pathId(ctx, 'id', 'workspace id');
  if (!reachesWorkspace(caller, workspaceId)) throw ApiError.notFound('workspace');
  return { caller, user: { id: caller.userId, email: caller.email }, workspaceId };
}

/** The caller and the validated `:id` (400 for a malformed id), in one parameter. */
export const InWorkspace = createParamDecorator((_: unknown, ctx: ExecutionContext): WorkspaceTarget =>
  workspaceTarget(ctx),
);

/** As InWorkspace, plus the validated `:agentID`. */
export const InAgent = createParamDecorator((_: unknown, ctx: ExecutionContext): AgentTarget => ({
  ...workspaceTarget(ctx),
  agentId: pathId(ctx, 'agentID', 'agent id'),
}));

/** As InAgent, plus the validated `:probeID`. */
export const InProbe = createParamDecorator((_: unknown, ctx: ExecutionContext): ProbeTarget => ({
  ...workspaceTarget(ctx),
  agentId: pathId(ctx, 'agentID', 'agent id'),
  probeId: pathId(ctx, 'probeID', 'probe id'),
}));
