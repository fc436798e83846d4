import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { PaginationHeadersInterceptor } from './common/pagination-headers.interceptor';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/config';
import { FrameworkChatterLogger } from './logging/framework-chatter.logger';
import { NetWatcherIoAdapter } from './realtime/socket-io.adapter';

/** Builds the fully configured app; `main.ts` and the tests share it so tests run what ships. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(new FrameworkChatterLogger(app.get(Logger)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new PaginationHeadersInterceptor());
  app.useWebSocketAdapter(new NetWatcherIoAdapter(app));
  app.useBodyParser('json', { limit: '1mb' });
  app.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  app.enableShutdownHooks();
  return app;
}
