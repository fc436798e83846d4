import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { localAgentProbes } from '@netwatcher/shared';
import { writeFileAtomicSync } from '@netwatcher/shared/node';
import { AgentsService } from '../agents/agents.service';
import { AuthService } from '../auth/auth.service';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ProbesService } from '../probes/probes.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { adminCredentialsFile, agentHasPsk, LocalAgentState, readLocalAgentState, writeLocalAgentState } from './local-agent.state';

export const LOCAL_ADMIN_EMAIL = 'admin@netwatcher.local';
const LOOPBACK = '127.0.0.1';

export interface Provisioned {
  state: LocalAgentState;
  /** Present when the agent still has to enroll. */
  pin?: string;
}

/**
 * First start of an embedded install: an administrator, a "Local" workspace, and an agent on
 * this host with loopback probes, all through the same services the API uses, so a newcomer
 * sees live measurements at once. Later starts reuse what the state file names.
 */
@Injectable()
export class LocalAgentProvisioner {
  private readonly logger = new Logger(LocalAgentProvisioner.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly workspaces: WorkspacesService,
    private readonly agents: AgentsService,
    private readonly probes: ProbesService,
  ) {}

  credentialsFile(): string {
    return adminCredentialsFile(this.config.dataDir);
  }

  async provision(): Promise<Provisioned> {
    const existing = readLocalAgentState(this.config.dataDir);
    if (existing) {
      if (agentHasPsk(this.config.dataDir)) return { state: existing };
      // The agent never finished enrolling (or its config was removed): give it a fresh PIN.
      const { pin } = await this.agents.issuePin(existing.userId, existing.workspaceId, existing.agentId, {});
      return { state: existing, pin };
    }
    const password = randomBytes(12).toString('base64url');
    const { data: user } = await this.auth.createAdmin({ email: LOCAL_ADMIN_EMAIL, password, name: 'Administrator' });
    writeFileAtomicSync(this.credentialsFile(), `email: ${LOCAL_ADMIN_EMAIL}\npassword: ${password}\n`);
    const workspace = await this.workspaces.create(
      { id: user.id, email: user.email },
      { name: 'Local', description: 'Created at first start: the controller host and its own agent' },
    );
    const { agent, pin } = await this.agents.create(user.id, workspace.id, {
      name: 'local-agent',
      description: 'Runs next to the controller',
      location: hostname(),
    });
    // The loopback path, so a fresh install draws charts at once; the catalogue says with which types.
    for (const probe of localAgentProbes()) {
      await this.probes.create(user.id, workspace.id, agent.id, { ...probe, targets: [LOOPBACK] });
    }
    const state: LocalAgentState = { userId: user.id, email: user.email, workspaceId: workspace.id, agentId: agent.id };
    writeLocalAgentState(this.config.dataDir, state);
    this.logger.log({ workspace_id: workspace.id, agent_id: agent.id, credentials: this.credentialsFile() }, 'created the local administrator, workspace and agent');
    return { state, pin };
  }
}
