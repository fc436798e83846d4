import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AlertsModule } from '../alerts/alerts.module';
import { IngestModule } from '../ingest/ingest.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { AlertingMetrics } from './alerting.metrics';
import { FleetMetrics } from './fleet.metrics';
import { HttpMetrics } from './http.metrics';
import { IngestMetrics } from './ingest.metrics';
import { MetricsController } from './metrics.controller';
import { MetricsListener } from './metrics-listener';
import { MetricsRegistry } from './metrics-registry';

/**
 * Prometheus `/metrics`. It only watches: counters follow the domain-event bus and the owners'
 * hooks (IngestService, NotificationWorker), gauges ask the owners at scrape time (agents,
 * alerts, sockets), so no feature knows it is measured.
 */
@Module({
  imports: [AgentsModule, AlertsModule, IngestModule, RealtimeModule],
  controllers: [MetricsController],
  providers: [MetricsRegistry, IngestMetrics, FleetMetrics, AlertingMetrics, MetricsListener],
  exports: [MetricsListener],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetrics).forRoutes('{*path}');
  }
}
