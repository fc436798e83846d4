import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import { AuditTrail } from '../common/audit-trail';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { DomainEventBus } from '../events/event-bus';
import type { Caller } from './caller';
import { ChangePasswordDto, LoginDto, RegisterDto, UnlockDto } from './dto/auth.dto';
import { PENDING_INVITATIONS, PendingInvitations } from './pending-invitations.port';
import { SessionsService } from './sessions.service';
import { SourceLockout } from './source-lockout';
import { SystemRole, UserEntity } from './user.entity';
import { toUserView, UserView } from './user.view';

export interface AuthResponse {
  token: string;
  data: UserView;
}

/** A 429 that also says when to come back (the controller turns it into Retry-After). */
export class LoginLockedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'login_locked', `too many failed logins: try again in ${retryAfterSeconds} s`);
  }
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the e-mail is unknown, so both failures take the same time. */
  private readonly decoyHash: Promise<string>;
  private readonly sources: SourceLockout;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly sessions: SessionsService,
    @Inject(PENDING_INVITATIONS) private readonly invitations: PendingInvitations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: DomainEventBus,
    private readonly audit: AuditTrail,
  ) {
    this.decoyHash = argon2.hash('decoy-password-for-timing');
    this.sources = new SourceLockout(config.login.maxFailuresPerSource, config.login.lockSeconds * 1000);
  }

  /**
   * Self-registration, as the REGISTRATION setting allows. The very first account of an
   * instance is always allowed and becomes its administrator: without it an install with
   * registration closed and no local agent could never be used.
   */
  async register(dto: RegisterDto): Promise<AuthResponse> {
    const email = dto.email.trim().toLowerCase();
    const first = !(await this.users.exist());
    if (!first) await this.assertMayRegister(email);
    return this.createAccount(email, dto, first ? 'ADMIN' : 'USER');
  }

  /** The first-start administrator (local-agent provisioner): not subject to REGISTRATION. */
  createAdmin(dto: RegisterDto): Promise<AuthResponse> {
    return this.createAccount(dto.email.trim().toLowerCase(), dto, 'ADMIN');
  }

  async login(dto: LoginDto, source: string): Promise<AuthResponse> {
    const email = dto.email.trim().toLowerCase();
    const sourceWait = this.sources.retryAfterSeconds(source);
    // Refusals while locked are not audited: they check no password, cost an attacker nothing,
    // and the failures that caused the lock were recorded.
    if (sourceWait > 0) throw new LoginLockedError(sourceWait);
    const user = await this.users.findOne({ where: { email } });
    const accountWait = user?.lockedUntil ? Math.ceil((user.lockedUntil.getTime() - Date.now()) / 1000) : 0;
    // A locked account is refused before the password is looked at, so guessing cannot go on.
    if (accountWait > 0) throw new LoginLockedError(accountWait);
    const ok = await argon2.verify(user?.passwordHash ?? (await this.decoyHash), dto.password);
    if (!user || !ok) {
      this.sources.recordFailure(source);
      if (user) await this.recordAccountFailure(user.id);
      this.logger.warn({ email_known: Boolean(user) }, 'failed login');
      await this.audit.record({
        workspaceId: null,
        action: 'auth.login_failed',
        ...(user ? { target: { type: 'user', id: user.id } } : {}),
        changes: { email, reason: user ? 'wrong_password' : 'unknown_email' },
      });
      throw ApiError.unauthorized('invalid email or password', 'invalid_credentials');
    }
    if (user.failedLogins > 0 || user.lockedUntil)
      await this.users.update({ id: user.id }, { failedLogins: 0, lockedUntil: null });
    await this.audit.record({ workspaceId: null, action: 'auth.login', actorUserId: user.id, target: { type: 'user', id: user.id } });
    return { token: this.sessions.sign(user), data: toUserView(user) };
  }

  /**
   * Ends every earlier session of the user (epoch + 1), the open panel sockets included, and
   * answers with a fresh one. API tokens are separate credentials and stay (README "API tokens").
   * Only a session gets here (@SessionOnly on the route).
   */
  async changePassword(caller: Caller, dto: ChangePasswordDto): Promise<AuthResponse> {
    const user = await this.users.findOneOrFail({ where: { id: caller.userId } });
    if (!(await argon2.verify(user.passwordHash, dto.current_password))) {
      throw ApiError.forbidden('the current password is wrong', 'wrong_password');
    }
    user.passwordHash = await argon2.hash(dto.new_password);
    user.sessionEpoch += 1;
    const saved = await this.users.manager.transaction(async (em) => {
      const changed = await em.getRepository(UserEntity).save(user);
      await this.audit.record({ workspaceId: null, action: 'auth.password_changed', target: { type: 'user', id: user.id } }, em);
      return changed;
    });
    this.logger.log({ user_id: user.id }, 'password changed; earlier sessions ended');
    // Awaited: when the answer arrives, this replica's sockets of the old sessions are closed.
    await this.events.emit('user.credentials_changed', { userId: user.id });
    return { token: this.sessions.sign(saved), data: toUserView(saved) };
  }

  /** Ends this session, and with it the panel sockets it opened (the others of the user stay). */
  async logout(caller: Caller): Promise<void> {
    if (!caller.sessionId) return;
    await this.sessions.revoke(caller.userId, caller.sessionId);
    await this.audit.record({ workspaceId: null, action: 'auth.logout', target: { type: 'user', id: caller.userId } });
    await this.events.emit('user.credentials_changed', { userId: caller.userId });
  }

  /** Instance administrators only: clears an account's lockout and failure count. */
  async unlock(caller: Caller, dto: UnlockDto): Promise<void> {
    await this.requireInstanceAdmin(caller);
    const email = dto.email.trim().toLowerCase();
    await this.users.manager.transaction(async (em) => {
      const result = await em.getRepository(UserEntity).update({ email }, { failedLogins: 0, lockedUntil: null });
      if (!result.affected) throw ApiError.notFound('user');
      await this.audit.record({ workspaceId: null, action: 'auth.unlocked', changes: { email } }, em);
    });
    this.logger.log({ user_id: caller.userId, email: dto.email }, 'account unlocked');
  }

  private async requireInstanceAdmin(caller: Caller): Promise<void> {
    const me = await this.users.findOne({ where: { id: caller.userId }, select: { id: true, role: true } });
    if (me?.role !== 'ADMIN') throw ApiError.forbidden('this action needs an instance administrator', 'admin_required');
  }

  private async assertMayRegister(email: string): Promise<void> {
    const mode = this.config.registration;
    if (mode === 'open') return;
    if (mode === 'invite' && (await this.invitations.existsFor(email))) return;
    throw ApiError.forbidden(
      mode === 'closed'
        ? 'registration is closed on this instance: ask an administrator for an account'
        : 'registration needs an invitation: ask a workspace administrator to invite this e-mail address',
      'registration_closed',
    );
  }

  /** Counted in one statement so concurrent failures cannot both read the old count. */
  private async recordAccountFailure(userId: number): Promise<void> {
    const { maxFailuresPerAccount, lockSeconds } = this.config.login;
    await this.users.query(
      `UPDATE users
          SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
              locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(secs => $3) ELSE locked_until END
        WHERE id = $1`,
      [userId, maxFailuresPerAccount, lockSeconds],
    );
  }

  private async createAccount(email: string, dto: RegisterDto, role: SystemRole): Promise<AuthResponse> {
    if (await this.users.exist({ where: { email } })) {
      throw ApiError.conflict('an account with this email already exists', 'email_taken');
    }
    const passwordHash = await argon2.hash(dto.password);
    const user = await this.users.manager.transaction(async (em) => {
      const users = em.getRepository(UserEntity);
      const created = await users.save(
        users.create({ email, passwordHash, name: dto.name?.trim() ?? '', role, labels: dto.labels ?? {}, metadata: dto.metadata ?? {} }),
      );
      await this.audit.record(
        { workspaceId: null, action: 'auth.registered', actorUserId: created.id, target: { type: 'user', id: created.id }, changes: { email, role } },
        em,
      );
      return created;
    });
    this.logger.log({ user_id: user.id, role }, 'user registered');
    return { token: this.sessions.sign(user), data: toUserView(user) };
  }
}
