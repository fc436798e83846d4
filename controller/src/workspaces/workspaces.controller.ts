import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import type { Caller } from '../auth/caller';
import { CurrentCaller } from '../auth/current-user.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { ApiError } from '../common/api-error';
import { ListResponse, SearchPageQueryDto } from '../common/pagination';
import { CreateWorkspaceDto, UpdateWorkspaceDto } from './dto/workspace.dto';
import { InWorkspace, WorkspaceRoute, WorkspaceTarget } from './workspace-route.decorator';
import { WorkspacesService } from './workspaces.service';
import { WorkspaceView } from './workspace.view';

@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get()
  @RequireScope('workspaces:read')
  list(@CurrentCaller() caller: Caller, @Query() query: SearchPageQueryDto): Promise<ListResponse<WorkspaceView>> {
    return this.workspaces.list(caller.userId, query, caller.workspaceIds);
  }

  @Post()
  @RequireScope('workspaces:write')
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateWorkspaceDto): Promise<WorkspaceView> {
    // The new workspace would lie outside the token's own restriction, where it cannot reach.
    if (caller.workspaceIds) throw ApiError.forbidden('an API token restricted to some workspaces cannot create one', 'token_restricted');
    return this.workspaces.create({ id: caller.userId, email: caller.email }, dto);
  }

  @Get(':id')
  @WorkspaceRoute('VIEWER', 'workspaces:read')
  get(@InWorkspace() at: WorkspaceTarget): Promise<WorkspaceView> {
    return this.workspaces.get(at.user.id, at.workspaceId);
  }

  @Patch(':id')
  @WorkspaceRoute('ADMIN', 'workspaces:write')
  update(@InWorkspace() at: WorkspaceTarget, @Body() dto: UpdateWorkspaceDto): Promise<WorkspaceView> {
    return this.workspaces.update(at.user.id, at.workspaceId, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @WorkspaceRoute('OWNER', 'workspaces:write')
  remove(@InWorkspace() at: WorkspaceTarget): Promise<void> {
    return this.workspaces.remove(at.user.id, at.workspaceId);
  }
}
