import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { RequireScope } from '../auth/require-scope.decorator';
import { idParam } from '../common/id-param';
import { ListResponse, PageQueryDto } from '../common/pagination';
import { AcceptInviteDto, InviteMemberDto, TransferOwnershipDto, UpdateMemberDto } from './dto/member.dto';
import { MembersService } from './members.service';
import { MemberView } from './member.view';
import { InWorkspace, WorkspaceRoute, WorkspaceTarget } from './workspace-route.decorator';
import { WorkspaceView } from './workspace.view';

const MEMBER = idParam('member id');

/** Membership of one workspace: invitations, roles, leaving, and handing over ownership. */
@Controller('workspaces/:id')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('members')
  @WorkspaceRoute('VIEWER', 'workspaces:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() page: PageQueryDto): Promise<ListResponse<MemberView>> {
    return this.members.list(at.user.id, at.workspaceId, page);
  }

  @Post('members')
  @WorkspaceRoute('ADMIN', 'workspaces:write')
  invite(@InWorkspace() at: WorkspaceTarget, @Body() dto: InviteMemberDto): Promise<MemberView> {
    return this.members.invite(at.user, at.workspaceId, dto);
  }

  @Patch('members/:memberId')
  @WorkspaceRoute('ADMIN', 'workspaces:write')
  updateRole(
    @InWorkspace() at: WorkspaceTarget,
    @Param('memberId', MEMBER) memberId: number,
    @Body() dto: UpdateMemberDto,
  ): Promise<MemberView> {
    return this.members.updateRole(at.user, at.workspaceId, memberId, dto);
  }

  /** Any member may remove themselves (leave); removing someone else needs ADMIN (checked by the service). */
  @Delete('members/:memberId')
  @HttpCode(204)
  @WorkspaceRoute('VIEWER', 'workspaces:write')
  remove(@InWorkspace() at: WorkspaceTarget, @Param('memberId', MEMBER) memberId: number): Promise<void> {
    return this.members.remove(at.user, at.workspaceId, memberId);
  }

  /** No role: the caller is not a member yet, the invitation itself is the credential. */
  @Post('accept-invite')
  @HttpCode(200)
  @RequireScope('workspaces:write')
  acceptInvite(@InWorkspace() at: WorkspaceTarget, @Body() dto: AcceptInviteDto): Promise<MemberView> {
    return this.members.acceptInvite(at.user, at.workspaceId, dto);
  }

  @Post('transfer-ownership')
  @HttpCode(200)
  @WorkspaceRoute('OWNER', 'workspaces:write')
  transferOwnership(@InWorkspace() at: WorkspaceTarget, @Body() dto: TransferOwnershipDto): Promise<WorkspaceView> {
    return this.members.transferOwnership(at.user, at.workspaceId, dto);
  }
}
