import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import type { AuthUser } from '../auth/current-user.decorator';
import { UserDirectory } from '../auth/user-directory.service';
import { ApiError } from '../common/api-error';
import { AuditTrail } from '../common/audit-trail';
import { ListResponse, PageQueryDto, toList } from '../common/pagination';
import { DomainEventBus } from '../events/event-bus';
import { AcceptInviteDto, InviteMemberDto, TransferOwnershipDto, UpdateMemberDto } from './dto/member.dto';
import { MemberEntity, ROLE_RANK } from './member.entity';
import { MemberView, toMemberView } from './member.view';
import { assertNotLastOwner, reassignPrimaryOwner } from './owner-rules';
import { WorkspaceAccessService } from './workspace-access.service';
import { WorkspaceLockService } from './workspace-lock.service';
import { WorkspaceEntity } from './workspace.entity';
import { toWorkspaceView, WorkspaceView } from './workspace.view';

interface Invitee {
  userId: number | null;
  email: string;
}

const MEMBER = (id: number) => ({ type: 'member', id });

const ownerOnly = (what: string): ApiError => ApiError.forbidden(`only an OWNER can ${what}`, 'owner_only');

@Injectable()
export class MembersService {
  private readonly logger = new Logger(MembersService.name);

  constructor(
    @InjectRepository(MemberEntity) private readonly members: Repository<MemberEntity>,
    private readonly users: UserDirectory,
    private readonly access: WorkspaceAccessService,
    private readonly locks: WorkspaceLockService,
    private readonly events: DomainEventBus,
    private readonly audit: AuditTrail,
  ) {}

  async list(userId: number, workspaceId: number, page: PageQueryDto): Promise<ListResponse<MemberView>> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    const [rows, total] = await this.members.findAndCount({
      where: { workspaceId },
      order: { id: 'ASC' },
      skip: page.offset,
      take: page.limit,
    });
    return toList(await this.toViews(rows), total, page);
  }

  /** Creates a pending membership; it grants nothing until the invitee accepts it. */
  async invite(caller: AuthUser, workspaceId: number, dto: InviteMemberDto): Promise<MemberView> {
    const member = await this.locks.withAccess(caller.id, workspaceId, 'ADMIN', async ({ em, member: me }) => {
      if (dto.role === 'OWNER' && me.role !== 'OWNER') throw ownerOnly('invite an OWNER');
      const invitee = await this.resolveInvitee(em, dto);
      const repo = em.getRepository(MemberEntity);
      const existing = await repo.findOne({
        where: [
          { workspaceId, email: invitee.email },
          ...(invitee.userId ? [{ workspaceId, userId: invitee.userId }] : []),
        ],
      });
      if (existing?.acceptedAt) {
        throw ApiError.conflict('this person is already a member of the workspace', 'already_member');
      }
      if (existing) {
        throw ApiError.conflict('this person has already been invited to the workspace', 'already_invited');
      }
      const invited = await repo.save(
        repo.create({
          workspaceId,
          userId: invitee.userId,
          email: invitee.email,
          role: dto.role,
          meta: dto.meta ?? {},
          invitedBy: caller.id,
          acceptedAt: null,
        }),
      );
      await this.audit.record(
        { workspaceId, action: 'member.invited', target: MEMBER(invited.id), changes: { email: invited.email, user_id: invited.userId, role: invited.role } },
        em,
      );
      return invited;
    });
    this.logger.log({ workspace_id: workspaceId, member_id: member.id, invited_by: caller.id }, 'member invited');
    return this.toView(member);
  }

  async updateRole(caller: AuthUser, workspaceId: number, memberId: number, dto: UpdateMemberDto): Promise<MemberView> {
    let changed = false;
    const member = await this.locks.withAccess(
      caller.id,
      workspaceId,
      'ADMIN',
      async ({ em, workspace, member: me }) => {
        const target = await this.findMember(em, workspaceId, memberId);
        if (me.role !== 'OWNER' && dto.role === 'OWNER') throw ownerOnly('grant the OWNER role');
        if (me.role !== 'OWNER' && target.role === 'OWNER') throw ownerOnly("change an owner's role");
        if (target.role === dto.role) return target;
        const wasOwner = target.role === 'OWNER';
        if (wasOwner) await assertNotLastOwner(em, target, 'demoted');
        const changes = { role: { from: target.role, to: dto.role } };
        target.role = dto.role;
        const saved = await em.getRepository(MemberEntity).save(target);
        if (wasOwner) await reassignPrimaryOwner(em, workspace, target.userId);
        await this.audit.record({ workspaceId, action: 'member.role_changed', target: MEMBER(target.id), changes }, em);
        changed = true;
        return saved;
      },
    );
    if (changed) void this.events.emit('member.changed', { workspaceId, userId: member.userId, kind: 'role_changed' });
    return this.toView(member);
  }

  /** Admins remove others; anyone may remove themselves (leave). Owners stay at least one. */
  async remove(caller: AuthUser, workspaceId: number, memberId: number): Promise<void> {
    const removed = await this.locks.withAccess(caller.id, workspaceId, 'VIEWER', async ({ em, workspace, member: me }) => {
      const target = await this.findMember(em, workspaceId, memberId);
      if (target.id !== me.id) {
        if (ROLE_RANK[me.role] < ROLE_RANK.ADMIN) {
          throw ApiError.forbidden(`removing another member needs the ADMIN role (you are ${me.role})`, 'role_too_low');
        }
        if (target.role === 'OWNER' && me.role !== 'OWNER') throw ownerOnly('remove an OWNER');
      }
      await assertNotLastOwner(em, target, 'removed');
      await em.getRepository(MemberEntity).delete({ id: target.id });
      await reassignPrimaryOwner(em, workspace, target.userId);
      await this.audit.record(
        { workspaceId, action: 'member.removed', target: MEMBER(target.id), changes: { email: target.email, user_id: target.userId, role: target.role } },
        em,
      );
      return target;
    });
    this.logger.log({ workspace_id: workspaceId, member_id: memberId, removed_by: caller.id }, 'member removed');
    void this.events.emit('member.changed', { workspaceId, userId: removed.userId, kind: 'removed' });
  }

  /**
   * The caller is not a member yet, so there is no role check: the invitation itself is the
   * credential, and it is matched to the caller's own account (by user id, or by the e-mail of
   * an invite sent before they registered). A missing workspace and a missing invitation answer
   * alike, so this endpoint cannot be used to discover workspace ids.
   */
  async acceptInvite(caller: AuthUser, workspaceId: number, dto: AcceptInviteDto): Promise<MemberView> {
    if (dto.email !== caller.email.toLowerCase()) {
      throw ApiError.forbidden('an invitation can only be accepted with your own account e-mail', 'email_mismatch');
    }
    const member = await this.locks.lock(workspaceId, async (em, workspace) => {
      const invite = workspace
        ? await em
            .getRepository(MemberEntity)
            .createQueryBuilder('m')
            .where('m.workspace_id = :workspaceId AND m.accepted_at IS NULL', { workspaceId })
            .andWhere('(m.user_id = :userId OR (m.user_id IS NULL AND m.email = :email))', {
              userId: caller.id,
              email: dto.email,
            })
            .getOne()
        : null;
      if (!invite) throw ApiError.notFound('invitation');
      invite.userId = caller.id;
      invite.acceptedAt = new Date();
      const joined = await em.getRepository(MemberEntity).save(invite);
      await this.audit.record({ workspaceId, action: 'member.joined', target: MEMBER(joined.id), changes: { role: joined.role } }, em);
      return joined;
    });
    this.logger.log({ workspace_id: workspaceId, member_id: member.id, user_id: caller.id }, 'invitation accepted');
    void this.events.emit('member.changed', { workspaceId, userId: caller.id, kind: 'added' });
    return this.toView(member);
  }

  /** The new owner, the old owner's step down to ADMIN and owner_id move together or not at all. */
  async transferOwnership(caller: AuthUser, workspaceId: number, dto: TransferOwnershipDto): Promise<WorkspaceView> {
    const view = await this.locks.withAccess(caller.id, workspaceId, 'OWNER', async ({ em, workspace, member: me }) => {
      if (dto.newOwnerUserId === caller.id)
        throw ApiError.badRequest('you already own this workspace', 'transfer_to_self');
      const target = await em.getRepository(MemberEntity).findOne({
        where: { workspaceId, userId: dto.newOwnerUserId, acceptedAt: Not(IsNull()) },
      });
      if (!target) throw ApiError.notFound('member');
      target.role = 'OWNER';
      me.role = 'ADMIN';
      await em.getRepository(MemberEntity).save([target, me]);
      workspace.ownerId = dto.newOwnerUserId;
      const saved = await em.getRepository(WorkspaceEntity).save(workspace);
      await this.audit.record(
        {
          workspaceId,
          action: 'workspace.ownership_transferred',
          target: { type: 'workspace', id: workspaceId },
          changes: { owner_id: { from: caller.id, to: dto.newOwnerUserId } },
        },
        em,
      );
      return toWorkspaceView(saved, me.role);
    });
    this.logger.log({ workspace_id: workspaceId, from: caller.id, to: dto.newOwnerUserId }, 'ownership transferred');
    void this.events.emit('member.changed', { workspaceId, userId: dto.newOwnerUserId, kind: 'role_changed' });
    void this.events.emit('member.changed', { workspaceId, userId: caller.id, kind: 'role_changed' });
    return view;
  }

  private async resolveInvitee(em: EntityManager, dto: InviteMemberDto): Promise<Invitee> {
    const { email } = dto;
    if (dto.userId === undefined) {
      if (email === undefined) {
        throw ApiError.badRequest('give the userId or the email (or both) of the person to invite', 'invitee_missing');
      }
      const user = await this.users.findByEmail(email, em);
      return { userId: user?.id ?? null, email };
    }
    const user = await this.users.findById(dto.userId, em);
    if (!user) throw ApiError.notFound('user');
    if (email !== undefined && email !== user.email) {
      throw ApiError.badRequest('userId and email refer to different users', 'invitee_mismatch');
    }
    return { userId: user.id, email: user.email };
  }

  private async findMember(em: EntityManager, workspaceId: number, memberId: number): Promise<MemberEntity> {
    const member = await em.getRepository(MemberEntity).findOne({ where: { id: memberId, workspaceId } });
    if (!member) throw ApiError.notFound('member');
    return member;
  }

  private async toView(member: MemberEntity): Promise<MemberView> {
    return (await this.toViews([member]))[0];
  }

  /** One query for the linked accounts of a whole page, not one per member. */
  private async toViews(members: MemberEntity[]): Promise<MemberView[]> {
    const ids = [...new Set(members.map((m) => m.userId).filter((id): id is number => id !== null))];
    const users = await this.users.summaries(ids);
    const byId = new Map(users.map((u) => [u.id, u]));
    return members.map((m) => toMemberView(m, m.userId === null ? undefined : byId.get(m.userId)));
  }
}
