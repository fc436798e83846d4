import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { LocalAgentProvisioner, LOCAL_ADMIN_EMAIL } from './local-agent.provisioner';
import { agentConfigFile, localAgentDir } from './local-agent.state';
import { LocalAgentSupervisor } from './local-agent.supervisor';

/** Runs an agent beside the controller (NW_LOCAL_AGENT, on by default). */
@Injectable()
export class LocalAgentService implements OnApplicationShutdown {
  private readonly logger = new Logger('LocalAgent');
  private supervisor?: LocalAgentSupervisor;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly provisioner: LocalAgentProvisioner,
  ) {}

  /** Called once the controller listens, with a URL the agent can reach it on. */
  async start(controllerUrl: string): Promise<void> {
    const { state, pin } = await this.provisioner.provision();
    this.supervisor = new LocalAgentSupervisor({
      controllerUrl,
      workspaceId: state.workspaceId,
      agentId: state.agentId,
      configFile: agentConfigFile(this.config.dataDir),
      dataDir: join(localAgentDir(this.config.dataDir), 'spool'),
      pin,
    });
    this.supervisor.start();
    this.logger.log(
      `Local agent ${state.agentId} in workspace ${state.workspaceId}. Log in as ${LOCAL_ADMIN_EMAIL}; the password is in ${this.provisioner.credentialsFile()}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.supervisor?.stop();
  }
}
