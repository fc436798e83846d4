import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import { AuditTrail } from '../common/audit-trail';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { generatePsk, hashPin, hashPsk, pskMatches, verifyPin } from './agent-credentials';
import { PinSourceLocks } from './pin-source-locks';
import { AgentEntity } from './agent.entity';
import { AgentView, toAgentView } from './agent.view';
import { AgentLoginDto } from './dto/agent.dto';
import { writeReturning } from '../database/sql-rows';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';

export interface PinBootstrapResult {
  status: 'success';
  psk: string;
  agent: AgentView;
}

export interface PskLoginResult {
  status: 'ok';
  agent: AgentView;
}

/** 429 for a locked agent; carries the seconds until the lock ends for the Retry-After header. */
export class PinLockedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'pin_locked', `too many wrong PINs for this agent; try again in ${retryAfterSeconds} s or ask an admin for a new PIN`);
  }
}

const BAD_CREDENTIALS = 'invalid agent credentials';

/**
 * Checked against a PIN when there is no agent to check it against, so an unknown or deleted
 * agent costs the same scrypt time as a known one and the answer time reveals nothing.
 */
const DECOY_PIN_HASH = hashPin('decoy');

interface ClaimedAttempt {
  pin_hash: string | null;
  pin_live: boolean;
  pin_failed_attempts: number;
}

/**
 * Agent authentication: the one-time PIN bootstrap and the PSK check every agent connection,
 * HTTP call and socket handshake goes through.
 */
@Injectable()
export class AgentAuthService {
  private readonly logger = new Logger(AgentAuthService.name);
  private readonly sourceLocks: PinSourceLocks;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workspaces: WorkspaceAccessService,
    private readonly audit: AuditTrail,
  ) {
    this.sourceLocks = new PinSourceLocks(config.pinMaxAttempts);
  }

  /** POST /agent: exactly one of pin or psk. `source` is the caller's address (per-source PIN lock). */
  async login(dto: AgentLoginDto, source = 'unknown'): Promise<PinBootstrapResult | PskLoginResult> {
    const hasPin = typeof dto.pin === 'string';
    const hasPsk = typeof dto.psk === 'string';
    if (hasPin === hasPsk) throw ApiError.badRequest('send exactly one of pin or psk', 'pin_or_psk');
    if (hasPin) return this.bootstrapWithPin(dto.workspace_id, dto.agent_id, dto.pin as string, source);
    const agent = await this.authenticatePsk(dto.workspace_id, dto.agent_id, dto.psk as string);
    const rows = await writeReturning<{ last_seen_at: Date }>(
      this.db.manager,
      'UPDATE agents SET last_seen_at = now() WHERE id = $1 RETURNING last_seen_at',
      [agent.id],
    );
    agent.lastSeenAt = rows[0] ? new Date(rows[0].last_seen_at) : agent.lastSeenAt;
    return { status: 'ok', agent: toAgentView(agent) };
  }

  /**
   * The agent for a workspace/agent/PSK triple. 401 for anything wrong (unknown agent, another
   * workspace's agent, wrong PSK, never enrolled); 410 only once the PSK is proven, so an
   * unauthenticated caller cannot learn which agent ids were deleted. The returned entity never
   * carries credential columns.
   */
  async authenticatePsk(workspaceId: number, agentId: number, psk: string): Promise<AgentEntity> {
    const { entities, raw } = await this.agents
      .createQueryBuilder('a')
      .withDeleted()
      .addSelect('a.psk_hash', 'credential_psk_hash')
      .where('a.id = :agentId', { agentId })
      .getRawAndEntities<{ credential_psk_hash: string | null }>();
    const agent = entities[0];
    const storedHash = raw[0]?.credential_psk_hash ?? null;
    if (!agent || agent.workspaceId !== workspaceId || !pskMatches(psk, storedHash)) {
      this.logger.warn({ workspace_id: workspaceId, agent_id: agentId }, 'agent PSK rejected');
      throw ApiError.unauthorized(BAD_CREDENTIALS, 'invalid_agent_credentials');
    }
    if (agent.deletedAt) throw ApiError.gone('this agent was deleted', 'agent_deleted');
    // The workspace's own soft delete ends its agents too, not only the agent's. Asked only once
    // the PSK is proven: one more primary-key read per handshake or agent HTTP call, none per message.
    if (!(await this.workspaces.isLive(agent.workspaceId))) throw ApiError.gone("this agent's workspace was deleted", 'workspace_deleted');
    return agent;
  }

  /**
   * PIN → PSK. Each attempt first claims a slot of the failure counter in one atomic UPDATE
   * that is refused while the agent is locked, so concurrent guesses cannot exceed
   * pinMaxAttempts; a success resets the counter. The PIN is consumed by a conditional UPDATE
   * on the exact hash that was verified, so two concurrent uses of one PIN cannot both win.
   */
  private async bootstrapWithPin(workspaceId: number, agentId: number, pin: string, source: string): Promise<PinBootstrapResult> {
    const cleanSource = this.sourceLocks.noteAttempt(agentId, source);
    const [agent] = await this.db.query<Array<{ workspace_id: number; deleted: boolean }>>(
      'SELECT workspace_id, deleted_at IS NOT NULL AS deleted FROM agents WHERE id = $1',
      [agentId],
    );
    const live = agent !== undefined && agent.workspace_id === workspaceId && !agent.deleted && (await this.workspaces.isLive(workspaceId));
    // Unknown, another workspace's, deleted, or of a deleted workspace: one answer for all, at
    // the same cost, so agent ids cannot be enumerated. A deleted agent's PIN was cleared with
    // it, so no PIN can prove it; its PSK still can (authenticatePsk answers 410 then).
    if (!live) {
      await verifyPin(pin, await DECOY_PIN_HASH);
      this.logger.warn({ workspace_id: workspaceId, agent_id: agentId }, 'agent PIN rejected: no such live agent in this workspace');
      throw ApiError.unauthorized(BAD_CREDENTIALS, 'invalid_agent_credentials');
    }

    const attempt = await this.claimAttempt(agentId, cleanSource);
    const valid = attempt.pin_live && attempt.pin_hash !== null && (await verifyPin(pin, attempt.pin_hash));
    if (!valid) return this.failPin(workspaceId, agentId, attempt.pin_failed_attempts);

    const psk = generatePsk();
    const consumed = await this.db.transaction(async (em) => {
      const rows = await writeReturning<{ id: number }>(
        em,
        `UPDATE agents SET psk_hash = $2, pin_hash = NULL, pin_expires_at = NULL, pin_failed_attempts = 0,
                pin_locked_until = NULL, initialized = true, last_seen_at = now(), updated_at = now()
          WHERE id = $1 AND deleted_at IS NULL AND pin_hash = $3 AND pin_expires_at > now()
          RETURNING id`,
        [agentId, hashPsk(psk), attempt.pin_hash],
      );
      // The agent's new PSK replaced any earlier one: a credential change, recorded without it.
      if (rows.length > 0) await this.audit.record({ workspaceId, action: 'agent.enrolled', target: { type: 'agent', id: agentId } }, em);
      return rows;
    });
    if (consumed.length === 0) {
      this.logger.warn({ workspace_id: workspaceId, agent_id: agentId }, 'agent PIN rejected: used concurrently');
      throw ApiError.unauthorized(BAD_CREDENTIALS, 'invalid_agent_credentials');
    }
    this.sourceLocks.reset(agentId);
    const enrolled = await this.agents.findOneOrFail({ where: { id: agentId } });
    this.logger.log({ workspace_id: workspaceId, agent_id: agentId }, 'agent enrolled with PIN');
    return { status: 'success', psk, agent: toAgentView(enrolled) };
  }

  /** Counts the attempt before verifying it; a lock that has run out starts a fresh count. */
  private async claimAttempt(agentId: number, cleanSource: boolean): Promise<ClaimedAttempt> {
    const rows = await writeReturning<ClaimedAttempt>(
      this.db.manager,
      `UPDATE agents SET
              pin_failed_attempts = CASE WHEN pin_locked_until IS NOT NULL THEN 1 ELSE pin_failed_attempts + 1 END,
              pin_locked_until = NULL
        WHERE id = $1 AND deleted_at IS NULL
          AND ((pin_locked_until IS NOT NULL AND pin_locked_until <= now())
               OR (pin_locked_until IS NULL AND pin_failed_attempts < $2))
        RETURNING pin_hash, COALESCE(pin_expires_at > now(), false) AS pin_live, pin_failed_attempts`,
      [agentId, this.config.pinMaxAttempts],
    );
    if (rows[0]) return rows[0];
    return this.claimDuringLock(agentId, cleanSource);
  }

  /** The agent is locked: 429, unless this source had not tried before and the lock's allowance lasts. */
  private async claimDuringLock(agentId: number, cleanSource: boolean): Promise<ClaimedAttempt> {
    const [state] = await this.db.query<Array<ClaimedAttempt & { deleted: boolean; seconds: number | string | null; locked_until: string | null }>>(
      `SELECT deleted_at IS NOT NULL AS deleted,
              CEIL(EXTRACT(EPOCH FROM (pin_locked_until - now()))) AS seconds,
              pin_locked_until::text AS locked_until,
              pin_hash, COALESCE(pin_expires_at > now(), false) AS pin_live, pin_failed_attempts
         FROM agents WHERE id = $1`,
      [agentId],
    );
    if (!state || state.deleted) throw ApiError.unauthorized(BAD_CREDENTIALS, 'invalid_agent_credentials');
    // Only a lock that is set: without one, the last allowed attempts are still being checked.
    if (cleanSource && state.locked_until !== null && this.sourceLocks.claimDuringLock(agentId, state.locked_until)) {
      return { pin_hash: state.pin_hash, pin_live: state.pin_live, pin_failed_attempts: state.pin_failed_attempts };
    }
    // No lock row yet means the last allowed attempts are still being checked; they lock on failure.
    const seconds = state.seconds === null ? this.config.pinLockSeconds : Math.max(1, Number(state.seconds));
    this.logger.warn({ agent_id: agentId, retry_after_s: seconds }, 'agent PIN refused: locked after too many wrong PINs');
    throw new PinLockedError(seconds);
  }

  /** A wrong, expired or already-used PIN: 401, and the lock once the counter reaches the limit. */
  private async failPin(workspaceId: number, agentId: number, attempts: number): Promise<never> {
    const locked = await writeReturning<{ id: number }>(
      this.db.manager,
      `UPDATE agents SET pin_locked_until = now() + make_interval(secs => $3)
        WHERE id = $1 AND pin_failed_attempts >= $2 AND pin_locked_until IS NULL RETURNING id`,
      [agentId, this.config.pinMaxAttempts, this.config.pinLockSeconds],
    );
    this.logger.warn(
      { workspace_id: workspaceId, agent_id: agentId, attempts, max_attempts: this.config.pinMaxAttempts, locked: locked.length > 0 },
      'agent PIN rejected',
    );
    throw ApiError.unauthorized(BAD_CREDENTIALS, 'invalid_agent_credentials');
  }
}
