import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AgentRef } from '../events/domain-events';

/**
 * Work another feature must do inside the transaction that creates an agent (probes adds the
 * default NETINFO/SYSINFO probes). Inverted on purpose: agents/ knows nothing of probes/; the
 * probes feature registers itself here, so the dependency points from probes to agents.
 */
export interface AgentCreationHook {
  onAgentCreated(em: EntityManager, agent: AgentRef): Promise<void>;
}

@Injectable()
export class AgentLifecycle {
  private readonly creationHooks: AgentCreationHook[] = [];

  register(hook: AgentCreationHook): void {
    this.creationHooks.push(hook);
  }

  /** Runs every hook in the creating transaction: a failing hook rolls the agent back too. */
  async created(em: EntityManager, agent: AgentRef): Promise<void> {
    for (const hook of this.creationHooks) await hook.onAgentCreated(em, agent);
  }
}
