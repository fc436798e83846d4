import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import { auditDiff, auditFields, AuditTrail } from '../common/audit-trail';
import { ListResponse, PageQueryDto, toList } from '../common/pagination';
import { DomainEventBus } from '../events/event-bus';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { generatePin, hashPin, PIN_LENGTH, PIN_TTL_SECONDS } from './agent-credentials';
import { AgentEntity } from './agent.entity';
import { AgentLifecycle } from './agent-lifecycle';
import { findWorkspaceAgent } from './agent-lookup';
import { AgentView, toAgentView } from './agent.view';
import { CreateAgentDto, IssuePinDto, UpdateAgentDto } from './dto/agent.dto';
import { writeReturning } from '../database/sql-rows';

export interface CreatedAgent {
  agent: AgentView;
  pin: string;
}

export interface Heartbeat {
  ok: true;
  ts: string;
}

/** The database clock decides PIN expiry everywhere, so app/DB clock skew cannot stretch a PIN. */
async function pinExpiry(em: EntityManager, ttlSeconds: number): Promise<Date> {
  const [row] = await em.query<Array<{ expires: Date }>>('SELECT now() + make_interval(secs => $1) AS expires', [ttlSeconds]);
  return new Date(row.expires);
}

/** What the audit log records of an agent: its description, never its credentials. */
const AGENT_FIELDS = ['name', 'description', 'location', 'publicIpOverride', 'labels', 'metadata'] as const;
const AGENT = (id: number) => ({ type: 'agent', id });

/** Agent management for workspace members. Enrollment itself (PIN → PSK) is AgentAuthService. */
@Injectable()
export class AgentsService {
  private readonly logger = new Logger(AgentsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly lifecycle: AgentLifecycle,
    private readonly events: DomainEventBus,
    private readonly audit: AuditTrail,
  ) {}

  async list(userId: number, workspaceId: number, page: PageQueryDto): Promise<ListResponse<AgentView>> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    const [rows, total] = await this.agents.findAndCount({
      where: { workspaceId },
      order: { id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return toList(rows.map(toAgentView), total, page);
  }

  async get(userId: number, workspaceId: number, agentId: number): Promise<AgentView> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    return toAgentView(await findWorkspaceAgent(this.agents, workspaceId, agentId));
  }

  /**
   * The agent, its one-time PIN and what other features add to a new agent (the default
   * NETINFO/SYSINFO probes, see AgentLifecycle) are written in one transaction: an agent without
   * its defaults, or defaults without an agent, never exists.
   */
  async create(userId: number, workspaceId: number, dto: CreateAgentDto): Promise<CreatedAgent> {
    await this.access.require(userId, workspaceId, 'USER');
    const pin = generatePin(dto.pinLength ?? PIN_LENGTH.default);
    const pinHash = await hashPin(pin);
    const ttl = dto.pinTTLSeconds ?? PIN_TTL_SECONDS.default;
    const agent = await this.db.transaction(async (em) => {
      const agents = em.getRepository(AgentEntity);
      const created = await agents.save(
        agents.create({
          workspaceId,
          name: dto.name,
          description: dto.description ?? '',
          location: dto.location ?? '',
          publicIpOverride: dto.public_ip_override ?? '',
          version: dto.version ?? '',
          labels: dto.labels ?? {},
          metadata: dto.metadata ?? {},
          pinHash,
          pinExpiresAt: await pinExpiry(em, ttl),
        }),
      );
      await this.lifecycle.created(em, { workspaceId, agentId: created.id });
      await this.audit.record(
        { workspaceId, action: 'agent.created', target: AGENT(created.id), changes: { ...auditFields(created, AGENT_FIELDS), pin_ttl_seconds: ttl } },
        em,
      );
      return findWorkspaceAgent(em, workspaceId, created.id);
    });
    this.logger.log({ workspace_id: workspaceId, agent_id: agent.id, user_id: userId }, 'agent created');
    void this.events.emit('agent.created', { workspaceId, agentId: agent.id });
    return { agent: toAgentView(agent), pin };
  }

  async update(userId: number, workspaceId: number, agentId: number, dto: UpdateAgentDto): Promise<AgentView> {
    await this.access.require(userId, workspaceId, 'USER');
    const patch: Partial<AgentEntity> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.description !== undefined) patch.description = dto.description;
    if (dto.location !== undefined) patch.location = dto.location;
    if (dto.public_ip_override !== undefined) patch.publicIpOverride = dto.public_ip_override;
    if (dto.labels !== undefined) patch.labels = dto.labels;
    if (dto.metadata !== undefined) patch.metadata = dto.metadata;
    if (Object.keys(patch).length === 0) throw ApiError.badRequest('nothing to update', 'empty_update');
    return this.db.transaction(async (em) => {
      const agent = await findWorkspaceAgent(em, workspaceId, agentId);
      const changes = auditDiff(agent, { ...agent, ...patch }, AGENT_FIELDS);
      const saved = await em.getRepository(AgentEntity).save(Object.assign(agent, patch));
      if (Object.keys(changes).length > 0) await this.audit.record({ workspaceId, action: 'agent.updated', target: AGENT(agentId), changes }, em);
      return toAgentView(saved);
    });
  }

  /**
   * Soft delete: the row stays so the agent's PSK still identifies it and it is told 410 (stop
   * for good) instead of 401 (retry). Its unused PIN is dropped. `agent.deleted` is awaited, so
   * what subscribers do (probes tells the agents whose plans lose this peer to re-fetch) has
   * happened when the caller is answered.
   */
  async remove(userId: number, workspaceId: number, agentId: number): Promise<void> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    await this.db.transaction(async (em) => {
      const removed = await writeReturning<{ id: number; name: string }>(
        em,
        `UPDATE agents SET deleted_at = now(), updated_at = now(), pin_hash = NULL, pin_expires_at = NULL
          WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL RETURNING id, name`,
        [agentId, workspaceId],
      );
      if (removed.length === 0) throw ApiError.notFound('agent');
      await this.audit.record({ workspaceId, action: 'agent.deleted', target: AGENT(agentId), changes: { name: removed[0].name } }, em);
    });
    this.logger.log({ workspace_id: workspaceId, agent_id: agentId, user_id: userId }, 'agent deleted');
    await this.events.emit('agent.deleted', { workspaceId, agentId });
  }

  /** Manual "seen now"; does not touch updated_at, which tracks configuration changes. */
  async heartbeat(userId: number, workspaceId: number, agentId: number): Promise<Heartbeat> {
    await this.access.require(userId, workspaceId, 'USER');
    const rows = await writeReturning<{ last_seen_at: Date }>(
      this.db.manager,
      `UPDATE agents SET last_seen_at = now() WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL RETURNING last_seen_at`,
      [agentId, workspaceId],
    );
    if (rows.length === 0) throw ApiError.notFound('agent');
    return { ok: true, ts: new Date(rows[0].last_seen_at).toISOString() };
  }

  /**
   * A fresh PIN replaces any unused one and clears the failure counter and lock (an admin is
   * vouching for the next attempt). The current PSK keeps working until the new PIN is used.
   */
  async issuePin(userId: number, workspaceId: number, agentId: number, dto: IssuePinDto): Promise<{ pin: string }> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const pin = generatePin(dto.pinLength ?? PIN_LENGTH.default);
    const pinHash = await hashPin(pin);
    const ttl = dto.ttlSeconds ?? PIN_TTL_SECONDS.default;
    await this.db.transaction(async (em) => {
      const rows = await writeReturning<{ id: number }>(
        em,
        `UPDATE agents SET pin_hash = $3, pin_expires_at = now() + make_interval(secs => $4),
                pin_failed_attempts = 0, pin_locked_until = NULL
          WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL RETURNING id`,
        [agentId, workspaceId, pinHash, ttl],
      );
      if (rows.length === 0) throw ApiError.notFound('agent');
      // The PIN itself is a credential: the log says one was issued and for how long, never which.
      await this.audit.record({ workspaceId, action: 'agent.pin_issued', target: AGENT(agentId), changes: { pin_ttl_seconds: ttl } }, em);
    });
    this.logger.log({ workspace_id: workspaceId, agent_id: agentId, user_id: userId, ttl_seconds: ttl }, 'agent PIN issued');
    return { pin };
  }
}
