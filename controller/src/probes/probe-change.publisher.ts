import { Injectable, Logger } from '@nestjs/common';

export interface ProbeChange {
  workspaceId: number;
  agentId: number;
}

export type ProbeChangeListener = (change: ProbeChange) => void;

/**
 * Tells whoever listens (the agent Socket.IO gateway) that an agent's probe set changed, so the
 * new configuration is pushed instead of polled. Services call `notify` only after their
 * transaction committed: a listener that re-reads the probes must see the new rows.
 *
 * In-process on purpose: with several controller replicas the gateway fans the change out
 * through the Socket.IO adapter it already shares.
 */
@Injectable()
export class ProbeChangeNotifier {
  private readonly logger = new Logger(ProbeChangeNotifier.name);
  private readonly listeners = new Set<ProbeChangeListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: ProbeChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Never throws: a failing listener is logged and must not undo or fail the change that was made. */
  notify(workspaceId: number, agentId: number): void {
    const change: ProbeChange = { workspaceId, agentId };
    for (const listener of [...this.listeners]) {
      try {
        const result: unknown = listener(change);
        if (result instanceof Promise) result.catch((err: unknown) => this.logFailure(err, change));
      } catch (err) {
        this.logFailure(err, change);
      }
    }
  }

  /** Notifies each agent once, however many of its probes changed. */
  notifyAll(workspaceId: number, agentIds: Iterable<number>): void {
    for (const agentId of new Set(agentIds)) this.notify(workspaceId, agentId);
  }

  private logFailure(err: unknown, change: ProbeChange): void {
    this.logger.error({ err, workspace_id: change.workspaceId, agent_id: change.agentId }, 'probe change listener failed');
  }
}
