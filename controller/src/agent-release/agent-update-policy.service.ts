import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AGENT_PLATFORM } from '@netwatcher/shared/node';
import type { AgentEntity } from '../agents/agent.entity';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ApiError } from '../common/api-error';
import { AuditTrail } from '../common/audit-trail';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AgentReleaseService } from './agent-release.service';
import type { UpdateMode, UpdatePolicyDto } from './dto/update-policy.dto';

export interface UpdatePolicyView {
  agent_id: number;
  mode: UpdateMode;
  version: string | null;
  /** The release this controller serves now (null when none is built). */
  current_version: string | null;
}

/** GET /agent/api/update: null version means "stay as you are". */
export interface AgentUpdateAnnouncement {
  version: string | null;
  platform: string;
  sha256: string | null;
  signature: string | null;
  size: number | null;
  download: string | null;
  /** Why there is nothing to update to, for the agent's log. */
  reason?: string;
}

interface PolicyRow {
  mode: UpdateMode;
  pinned_version: string | null;
}

/**
 * Which release each agent should run. Every agent follows the current release unless an
 * operator disabled updates for it or pinned it to one version (then it moves only when the
 * served release is exactly that version).
 */
@Injectable()
export class AgentUpdatePolicyService {
  private readonly logger = new Logger('AgentRelease');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly agents: AgentDirectory,
    private readonly access: WorkspaceAccessService,
    private readonly releases: AgentReleaseService,
    private readonly audit: AuditTrail,
  ) {}

  async get(userId: number, workspaceId: number, agentId: number): Promise<UpdatePolicyView> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    await this.agents.requireAgent(workspaceId, agentId);
    return this.view(agentId, await this.row(agentId));
  }

  async set(userId: number, workspaceId: number, agentId: number, dto: UpdatePolicyDto): Promise<UpdatePolicyView> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    await this.agents.requireAgent(workspaceId, agentId);
    if (dto.mode !== 'pinned' && dto.version !== undefined) throw ApiError.badRequest('version is only taken with mode "pinned"', 'version_without_pin');
    const version = dto.mode === 'pinned' ? dto.version! : null;
    await this.db.transaction(async (em) => {
      await em.query(
        `INSERT INTO agent_update_policies (agent_id, mode, pinned_version) VALUES ($1, $2, $3)
         ON CONFLICT (agent_id) DO UPDATE SET mode = EXCLUDED.mode, pinned_version = EXCLUDED.pinned_version, updated_at = now()`,
        [agentId, dto.mode, version],
      );
      await this.audit.record(
        { workspaceId, action: 'agent.update_policy_set', target: { type: 'agent', id: agentId }, changes: { mode: dto.mode, version } },
        em,
      );
    });
    this.logger.log({ workspace_id: workspaceId, agent_id: agentId, user_id: userId, mode: dto.mode, version }, 'agent update policy set');
    return this.view(agentId, { mode: dto.mode, pinned_version: version });
  }

  async announcementFor(agent: AgentEntity): Promise<AgentUpdateAnnouncement> {
    const none = (reason: string): AgentUpdateAnnouncement => ({
      version: null, platform: AGENT_PLATFORM, sha256: null, signature: null, size: null, download: null, reason,
    });
    const policy = await this.row(agent.id);
    if (policy.mode === 'disabled') return none('updates are disabled for this agent');
    const release = await this.releases.current().catch(() => null);
    if (!release) return none('the controller has no agent release to serve');
    if (policy.mode === 'pinned' && policy.pinned_version !== release.version) {
      return none(`pinned to ${policy.pinned_version}; the controller serves ${release.version}`);
    }
    return {
      version: release.version,
      platform: release.platform,
      sha256: release.sha256,
      signature: release.signature,
      size: release.size,
      download: `/agent/download/${release.platform}`,
    };
  }

  private async row(agentId: number): Promise<PolicyRow> {
    const rows = await this.db.query<PolicyRow[]>('SELECT mode, pinned_version FROM agent_update_policies WHERE agent_id = $1', [agentId]);
    return rows[0] ?? { mode: 'auto', pinned_version: null };
  }

  private async view(agentId: number, row: PolicyRow): Promise<UpdatePolicyView> {
    const release = await this.releases.current().catch(() => null);
    return { agent_id: agentId, mode: row.mode, version: row.pinned_version, current_version: release?.version ?? null };
  }
}
