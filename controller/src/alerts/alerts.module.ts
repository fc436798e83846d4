import { Module, OnModuleDestroy, OnModuleInit, Injectable } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { DomainEventBus } from '../events/event-bus';
import { ProbesModule } from '../probes/probes.module';
import { AlertCensus } from './alert-census';
import { AlertChanges } from './alert-changes';
import { AlertEvaluator } from './alert-evaluator.service';
import { AlertLedger } from './alert-ledger.service';
import { ALERT_ENTITIES } from './alert-entities';
import { AlertRulesService } from './alert-rules.service';
import { AlertStatistics } from './alert-statistics.service';
import { AlertSubjects } from './alert-subjects';
import { AlertViews } from './alert-views';
import { AlertRulesController, AlertsController, MaintenanceWindowsController, NotificationsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { NotificationSender } from './delivery/notification-sender';
import { NotificationWorker } from './delivery/notification-worker.service';
import { MaintenanceWindowsService } from './maintenance-windows.service';
import { NotificationsService } from './notifications.service';
import { RuleChanges } from './rule-changes';

/** Feeds every stored result (and every MTR result's route check) to the evaluator; it runs after the agent's ack, never delaying it. */
@Injectable()
class EvaluateNewResults implements OnModuleInit, OnModuleDestroy {
  private stop: Array<() => void> = [];
  constructor(
    private readonly events: DomainEventBus,
    private readonly evaluator: AlertEvaluator,
  ) {}
  onModuleInit(): void {
    this.stop = [
      this.events.on('results.stored', (results) => this.evaluator.evaluate(results)),
      this.events.on('route.checked', (checks) => this.evaluator.evaluateRoutes(checks)),
    ];
  }
  onModuleDestroy(): void {
    for (const off of this.stop) off();
  }
}

/**
 * Alert rules, the evaluator on the ingest path, alerts and their history, maintenance windows,
 * and notification delivery through an outbox. The panel hears of alerts through `alert.changed`.
 */
@Module({
  imports: [TypeOrmModule.forFeature(ALERT_ENTITIES), AgentsModule, ProbesModule],
  controllers: [AlertsController, AlertRulesController, NotificationsController, MaintenanceWindowsController],
  providers: [
    AlertCensus,
    AlertSubjects,
    AlertViews,
    RuleChanges,
    AlertChanges,
    AlertLedger,
    AlertRulesService,
    AlertStatistics,
    AlertsService,
    AlertEvaluator,
    EvaluateNewResults,
    NotificationSender,
    NotificationWorker,
    NotificationsService,
    MaintenanceWindowsService,
  ],
  exports: [AlertEvaluator, NotificationWorker, AlertRulesService, AlertStatistics, AlertCensus],
})
export class AlertsModule {}
