import { Module, OnModuleDestroy, OnModuleInit, Injectable } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module';
import { IngestModule } from '../ingest/ingest.module';
import { IngestService } from '../ingest/ingest.service';
import { AlertChanges } from './alert-changes';
import { AlertEvaluator } from './alert-evaluator.service';
import { AlertLedger } from './alert-ledger.service';
import { ALERT_ENTITIES } from './alert-entities';
import { AlertRulesService } from './alert-rules.service';
import { AlertSubjects } from './alert-subjects';
import { AlertViews } from './alert-views';

import { AlertRulesController, AlertsController, MaintenanceWindowsController, NotificationsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { NotificationSender } from './delivery/notification-sender';
import { NotificationWorker } from './delivery/notification-worker.service';
import { MaintenanceWindowsService } from './maintenance-windows.service';
import { NotificationsService } from './notifications.service';
import { RuleChanges } from './rule-changes';



/** Feeds every new result to the evaluator; evaluation runs after, never delaying the ingest. */
@Injectable()
class EvaluateNewResults implements OnModuleInit, OnModuleDestroy {
  private stop?: () => void;
  constructor(
    private readonly ingest: IngestService,
    private readonly evaluator: AlertEvaluator,
  ) {}
  onModuleInit(): void {
    this.stop = this.ingest.onNewResults((results) => this.evaluator.evaluate(results));
  }
  onModuleDestroy(): void {
    this.stop?.();
  }
}

/**
 * Alert rules, the evaluator on the ingest path, alerts and their history, maintenance windows,
 * and notification delivery through an outbox. Exports AlertChanges for the panel feed.
 */
@Module({
  imports: [DatabaseModule, TypeOrmModule.forFeature(ALERT_ENTITIES), IngestModule],
  controllers: [AlertsController, AlertRulesController, NotificationsController, MaintenanceWindowsController],
  providers: [
    AlertSubjects,
    AlertViews,
    RuleChanges,
    AlertChanges,
    AlertLedger,
    AlertRulesService,
    AlertsService,
    AlertEvaluator,
    EvaluateNewResults,
    NotificationSender,
    NotificationWorker,
    NotificationsService,
    MaintenanceWindowsService,
  ],
  exports: [AlertChanges, AlertEvaluator, NotificationWorker],
})
export class AlertsModule {}
