import { Injectable, Logger } from '@nestjs/common';

/**
 * Who may see a workspace changed. `userId` null means everyone's access ended (the workspace
 * was deleted); otherwise that one user's membership or role changed and must be checked again.
 */
export interface AccessChange {
  workspaceId: number;
  userId: number | null;
}

export type AccessChangeListener = (change: AccessChange) => void | Promise<void>;

/**
 * Tells the live feeds (panel and agent sockets) that access to a workspace changed, so open
 * subscriptions and connections end at once instead of at the next check. Services call it
 * only after their transaction committed. In-process: every replica must hear it for a
 * cross-replica setup, which the planned domain-event bus (controller/src/events/) is to carry;
 * this is the hook it replaces.
 */
@Injectable()
export class WorkspaceAccessEvents {
  private readonly logger = new Logger(WorkspaceAccessEvents.name);
  private readonly listeners = new Set<AccessChangeListener>();

  subscribe(listener: AccessChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Never throws: a failing listener is logged and must not undo the committed change. */
  changed(change: AccessChange): void {
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(change);
        if (result instanceof Promise) result.catch((err: unknown) => this.logFailure(err, change));
      } catch (err) {
        this.logFailure(err, change);
      }
    }
  }

  private logFailure(err: unknown, change: AccessChange): void {
    this.logger.error({ err, workspace_id: change.workspaceId, user_id: change.userId }, 'access change listener failed');
  }
}
