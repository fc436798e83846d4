import { Injectable, Logger } from '@nestjs/common';
import type { AlertChangedMessage } from '@netwatcher/shared';
import { DomainEventBus } from '../events/event-bus';
import type { AlertChange } from './alert-ledger.service';
import { AlertViews } from './alert-views';

/**
 * Announces committed alert changes as the panel shows them (`alert.changed` on the bus). Names
 * are looked up off the evaluation path; a failure to build the message is logged, not fatal.
 */
@Injectable()
export class AlertChanges {
  private readonly logger = new Logger(AlertChanges.name);

  constructor(
    private readonly views: AlertViews,
    private readonly events: DomainEventBus,
  ) {}

  emit(change: AlertChange): void {
    if (change.rule && !change.rule.notifyPanel) return;
    this.views.build([change.alert]).then(
      ([alert]) => {
        const message: AlertChangedMessage = { type: 'alert', action: change.action, workspace_id: change.alert.workspaceId, alert };
        void this.events.emit('alert.changed', message);
      },
      (e: unknown) => this.logger.error({ err: e }, 'could not build the alert message'),
    );
  }
}
