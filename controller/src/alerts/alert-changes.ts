import { Injectable, Logger } from '@nestjs/common';
import type { AlertChangedMessage } from '@netwatcher/shared';
import type { AlertChange } from './alert-ledger.service';
import { AlertViews } from './alert-views';

type Listener = (message: AlertChangedMessage) => void;

/**
 * Announces committed alert changes as the panel shows them (the panel feed subscribes). Names
 * are looked up off the evaluation path; a listener that throws is logged, not fatal.
 */
@Injectable()
export class AlertChanges {
  private readonly logger = new Logger(AlertChanges.name);
  private readonly listeners = new Set<Listener>();

  constructor(private readonly views: AlertViews) {}

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: AlertChange): void {
    if (this.listeners.size === 0 || (change.rule && !change.rule.notifyPanel)) return;
    this.views.build([change.alert]).then(
      ([alert]) => {
        const message: AlertChangedMessage = { type: 'alert', action: change.action, workspace_id: change.alert.workspaceId, alert };
        for (const listener of this.listeners) {
          try {
            listener(message);
          } catch (e) {
            this.logger.error({ err: e }, 'alert change listener failed');
          }
        }
      },
      (e: unknown) => this.logger.error({ err: e }, 'could not build the alert message'),
    );
  }
}
