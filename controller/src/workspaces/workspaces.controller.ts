import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
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
  list(@CurrentUser() user: AuthUser, @Query() query: SearchPageQueryDto): Promise<ListResponse<WorkspaceView>> {
    return this.workspaces.list(user.id, query);
  }

  @Post()
  @RequireScope('workspaces:write')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateWorkspaceDto): Promise<WorkspaceView> {
    return this.workspaces.create(user, dto);
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
