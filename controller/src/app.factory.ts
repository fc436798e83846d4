import 'reflect-metadata';
import type { Server as HttpsServer } from 'node:https';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { InputSanityPipe } from './common/input-sanity.pipe';
import { OriginPolicy } from './common/origin-policy';
import { PaginationHeadersInterceptor } from './common/pagination-headers.interceptor';
import { readCertificatePair, TlsCertificateReloader } from './common/tls-certificate-reloader';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/config';
import { FrameworkChatterLogger } from './logging/framework-chatter.logger';
import { serveOpenApi } from './openapi/openapi.setup';
import { NetWatcherIoAdapter } from './realtime/socket-io.adapter';

/** Largest JSON body: a 1,000-address lookup or a full probe copy fit well within it. */
export const MAX_JSON_BODY = '1mb';
/** No route takes forms; kept small so a form post cannot cost more than its refusal. */
const MAX_FORM_BODY = '16kb';

/** Builds the fully configured app; `main.ts` and the tests share it so tests run what ships. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
    // TLS_CERT_FILE/TLS_KEY_FILE: HTTPS, and Socket.IO over it (it shares this server).
    ...(config.tls ? { httpsOptions: readCertificatePair(config.tls) } : {}),
  });
  app.useLogger(new FrameworkChatterLogger(app.get(Logger)));
  // Browser-facing defaults: only allowed origins, no CORS unless configured, security headers.
  const origins = new OriginPolicy([...config.allowedOrigins, ...config.corsOrigins]);
  app.use(origins.middleware());
  app.use(helmet());
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins, credentials: false, maxAge: 600, exposedHeaders: ['X-Total-Count', 'Link'] });
  // Sanity first: the validator's own recursion is what deep nesting attacks.
  app.useGlobalPipes(new InputSanityPipe(), createValidationPipe());
  app.useGlobalInterceptors(new PaginationHeadersInterceptor());
  app.useWebSocketAdapter(new NetWatcherIoAdapter(app, origins, config.corsOrigins));
  // Every body the app parses is bounded; other content types are never read at all.
  app.useBodyParser('json', { limit: MAX_JSON_BODY });
  app.useBodyParser('urlencoded', { limit: MAX_FORM_BODY, extended: false });
  app.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  serveOpenApi(app);
  app.enableShutdownHooks();
  if (config.tls) await watchCertificate(app, config.tls);
  return app;
}

async function watchCertificate(app: INestApplication, tls: NonNullable<AppConfig['tls']>): Promise<void> {
  const server = app.getHttpServer() as HttpsServer;
  const reloader = new TlsCertificateReloader(server, tls, tls.reloadIntervalMs);
  await reloader.start();
  server.once('close', () => reloader.stop());
}
