import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { idParam } from '../common/id-param';
import { ListResponse, PageQueryDto } from '../common/pagination';
import { AcceptInviteDto, InviteMemberDto, TransferOwnershipDto, UpdateMemberDto } from './dto/member.dto';
import { MembersService } from './members.service';
import { MemberView } from './member.view';
import { WorkspaceView } from './workspace.view';

/** Membership of one workspace: invitations, roles, leaving, and handing over ownership. */
@Controller('workspaces/:id')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('members')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) id: number,
    @Query() page: PageQueryDto,
  ): Promise<ListResponse<MemberView>> {
    return this.members.list(user.id, id, page);
  }

  @Post('members')
  invite(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) id: number,
    @Body() dto: InviteMemberDto,
  ): Promise<MemberView> {
    return this.members.invite(user, id, dto);
  }

  @Patch('members/:memberId')
  updateRole(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) id: number,
    @Param('memberId', idParam('member id')) memberId: number,
    @Body() dto: UpdateMemberDto,
  ): Promise<MemberView> {
    return this.members.updateRole(user, id, memberId, dto);
  }

  @Delete('members/:memberId')
  @HttpCode(204)
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) id: number,
    @Param('memberId', idParam('member id')) memberId: number,
  ): Promise<void> {
    return this.members.remove(user, id, memberId);
  }

  @Post('accept-invite')
  @HttpCode(200)
  acceptInvite(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) id: number,
    @Body() dto: AcceptInviteDto,
  ): Promise<MemberView> {
    return this.members.acceptInvite(user, id, dto);
  }

  @Post('transfer-ownership')
  @HttpCode(200)
  transferOwnership(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) id: number,
    @Body() dto: TransferOwnershipDto,
  ): Promise<WorkspaceView> {
    return this.members.transferOwnership(user, id, dto);
  }
}
