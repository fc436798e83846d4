import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type CallerRequest, reachesWorkspace } from '../auth/caller';
import { ApiError } from '../common/api-error';
import { parseId } from '../common/id-param';
import type { WorkspaceRole } from '../common/roles';
import { WorkspaceAccessService } from './workspace-access.service';

export const WORKSPACE_ROLE = 'netwatcher:workspace-role';

/**
 * Enforces the role a route declares with @WorkspaceRoute, in the workspace named by the `:id`
 * path parameter: 404 for a non-member (or a token restricted to other workspaces), 403 for a
 * member whose role is too low. Runs after the global AuthGuard has attached the caller.
 */
@Injectable()
export class WorkspaceRouteGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: WorkspaceAccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const role = this.reflector.get<WorkspaceRole | undefined>(WORKSPACE_ROLE, context.getHandler());
    if (!role) return true;
    const req = context.switchToHttp().getRequest<CallerRequest>();
    const caller = req.caller;
    if (!caller) throw ApiError.unauthorized();
    const workspaceId = parseId(req.params.id, 'workspace id');
    if (!reachesWorkspace(caller, workspaceId)) throw ApiError.notFound('workspace');
    await this.access.require(caller.userId, workspaceId, role);
    return true;
  }
}
