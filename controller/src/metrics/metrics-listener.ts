import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { MetricsListenError } from '../logging/listen-failure';
import { metricsAccess } from './metrics-access';
import { MetricsRegistry } from './metrics-registry';

/**
 * With METRICS_PORT, `/metrics` is served by a listener of its own (METRICS_HOST, by default
 * 127.0.0.1), so it can stay off the public interface and out of the API's middleware: only
 * `GET /metrics` exists there.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsListener.name);
  private server?: Server;

  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where the listener is bound, once it is; null without METRICS_PORT. */
  address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null | undefined) ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config.metrics;
    if (port === undefined) return;
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new MetricsListenError(e.code ?? 'UNKNOWN', host, port)));
      server.listen(port, host, resolve);
    });
    this.server = server;
    const bound = this.address();
    this.logger.log({ bind_address: bound?.address, port: bound?.port }, `metrics served on http://${host.includes(':') ? `[${host}]` : host}:${bound?.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return this.reply(res, 404, 'not_found', 'only GET /metrics is served here');
    const access = metricsAccess(this.config.metrics, 'own', req.headers.authorization);
    if (access === 'unauthorized') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return this.reply(res, 401, 'unauthorized', 'a valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)');
    }
    try {
      const text = await this.metrics.render();
      res.writeHead(200, { 'content-type': this.metrics.contentType });
      res.end(req.method === 'HEAD' ? undefined : text);
    } catch (err) {
      this.logger.error({ err }, 'metrics scrape failed');
      this.reply(res, 500, 'internal_error', 'metrics could not be collected');
    }
  }

  /** The API's error shape, so a scraper's log reads the same whichever port it asked. */
  private reply(res: ServerResponse, status: number, code: string, error: string): void {
    const requestId = randomUUID();
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
    res.end(JSON.stringify({ error, code, request_id: requestId }));
  }
}
