import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { AlertCensus } from '../alerts/alert-census';
import { NotificationWorker } from '../alerts/delivery/notification-worker.service';
import { MetricsRegistry } from './metrics-registry';

/** Alerts by state (every workspace) and what became of each notification attempt. */
@Injectable()
export class AlertingMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly notifications: Counter<'channel' | 'outcome'>;
  private stop?: () => void;

  constructor(
    metrics: MetricsRegistry,
    census: AlertCensus,
    private readonly worker: NotificationWorker,
  ) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'netwatcher_alerts',
      help: 'Alerts by state: active, acknowledged, resolved.',
      labelNames: ['state'],
      registers,
      async collect() {
        await metrics.readSafely('netwatcher_alerts', async () => {
          for (const [state, count] of Object.entries(await census.countByStatus())) this.set({ state }, count);
        });
      },
    });
    this.notifications = new Counter({
      name: 'netwatcher_notifications_total',
      help: 'Notification delivery attempts by channel and outcome: sent, retry (failed, will be retried), dead (gave up).',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    for (const channel of ['webhook', 'email']) for (const outcome of ['sent', 'retry', 'dead']) this.notifications.inc({ channel, outcome }, 0);
  }

  onModuleInit(): void {
    this.stop = this.worker.watch(({ channel, outcome }) => this.notifications.inc({ channel, outcome }));
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
