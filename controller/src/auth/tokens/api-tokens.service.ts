import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '../../common/api-error';
import { AuditTrail } from '../../common/audit-trail';
import { ListResponse, PageQueryDto, toList } from '../../common/pagination';
import { DomainEventBus } from '../../events/event-bus';
import type { Caller } from '../caller';
import { UserEntity } from '../user.entity';
import { WORKSPACE_MEMBERSHIP, WorkspaceMembership } from '../workspace-membership.port';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenView, CreatedApiTokenView, toApiTokenView } from './api-token.view';
import { CreateApiTokenDto } from './dto/api-token.dto';
import { newTokenSecret } from './token-secret';

/** Enough for every script and integration of one person; bounds the table per account. */
export const MAX_TOKENS_PER_USER = 100;
/** Beyond this an expiry is not one (and PostgreSQL's range is not the thing to test). */
const LATEST_EXPIRY = Date.UTC(10_000, 0, 1);

/**
 * A user's API tokens. Managing them needs a session (AuthGuard's @SessionOnly on the routes):
 * a token can neither mint a broader one nor outlive its revocation by creating a successor.
 */
@Injectable()
export class ApiTokensService {
  private readonly logger = new Logger(ApiTokensService.name);

  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly membership: WorkspaceMembership,
    private readonly events: DomainEventBus,
    private readonly audit: AuditTrail,
  ) {}

  async create(caller: Caller, dto: CreateApiTokenDto): Promise<CreatedApiTokenView> {
    const expiresAt = this.expiry(dto.expires_at);
    if (dto.scopes.includes('admin')) await this.requireInstanceAdmin(caller.userId);
    const workspaceIds = dto.workspace_ids ?? null;
    if (workspaceIds) await this.requireMemberOfAll(caller.userId, workspaceIds);
    if ((await this.tokens.count({ where: { userId: caller.userId } })) >= MAX_TOKENS_PER_USER) {
      throw ApiError.conflict(`an account holds at most ${MAX_TOKENS_PER_USER} API tokens: delete unused ones first`, 'too_many_tokens');
    }
    const { secret, prefix, hash } = newTokenSecret();
    const saved = await this.tokens.manager.transaction(async (em) => {
      const tokens = em.getRepository(ApiTokenEntity);
      const created = await tokens.save(
        tokens.create({
          userId: caller.userId,
          name: dto.name,
          prefix,
          secretHash: hash,
          scopes: dto.scopes,
          workspaceIds: workspaceIds ? [...workspaceIds].sort((a, b) => a - b) : null,
          expiresAt,
          lastUsedAt: null,
        }),
      );
      // The secret never; its prefix is what the owner sees in the list too.
      const changes = { name: created.name, prefix: created.prefix, scopes: created.scopes, workspace_ids: created.workspaceIds, expires_at: created.expiresAt };
      await this.audit.record({ workspaceId: null, action: 'token.created', target: { type: 'api_token', id: created.id }, changes }, em);
      return created;
    });
    this.logger.log({ user_id: caller.userId, token_id: saved.id, scopes: saved.scopes }, 'API token created');
    return { ...toApiTokenView(saved), token: secret };
  }

  async list(caller: Caller, page: PageQueryDto): Promise<ListResponse<ApiTokenView>> {
    const [rows, total] = await this.tokens.findAndCount({
      where: { userId: caller.userId },
      order: { id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return toList(rows.map(toApiTokenView), total, page);
  }

  /** Another user's token answers as a missing one. Its open sockets end with the event. */
  async remove(caller: Caller, tokenId: number): Promise<void> {
    await this.tokens.manager.transaction(async (em) => {
      const result = await em.getRepository(ApiTokenEntity).delete({ id: tokenId, userId: caller.userId });
      if (!result.affected) throw ApiError.notFound('API token');
      await this.audit.record({ workspaceId: null, action: 'token.revoked', target: { type: 'api_token', id: tokenId } }, em);
    });
    this.logger.log({ user_id: caller.userId, token_id: tokenId }, 'API token deleted');
    await this.events.emit('token.revoked', { userId: caller.userId, tokenId });
  }

  private expiry(raw: string | null | undefined): Date | null {
    if (raw === undefined || raw === null) return null;
    const at = new Date(raw);
    if (at.getTime() <= Date.now()) throw ApiError.badRequest('expires_at must be in the future');
    if (at.getTime() >= LATEST_EXPIRY) throw ApiError.badRequest('expires_at must be before the year 10000 (or null: no expiry)');
    return at;
  }

  /** `admin` lets a token unlock accounts: only who may do that may hand it out. */
  private async requireInstanceAdmin(userId: number): Promise<void> {
    const me = await this.users.findOne({ where: { id: userId }, select: { id: true, role: true } });
    if (me?.role !== 'ADMIN')
      throw ApiError.forbidden('only an instance administrator can create a token with the admin scope', 'admin_required');
  }

  /** A workspace the user is not in answers as a missing one, as everywhere else. */
  private async requireMemberOfAll(userId: number, workspaceIds: readonly number[]): Promise<void> {
    const mine = new Set(await this.membership.memberWorkspaceIds(userId));
    const foreign = workspaceIds.find((id) => !mine.has(id));
    if (foreign !== undefined) throw new ApiError(404, 'not_found', `workspace ${foreign} not found`);
  }
}
