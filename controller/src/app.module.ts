import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { requestIdFor } from './common/request-id';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { TimeSeriesModule } from './timeseries/timeseries.module';
import { WorkspaceAccessModule } from './workspaces/workspace-access.module';
import { FEATURE_MODULES } from './feature-modules';
import { logDestination } from './logging/boot-logger';
import { LoggingModule } from './logging/logging.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req, res) => requestIdFor(req, res),
            customProps: (req) => ({ request_id: (req as { id?: string }).id }),
            // Health probes every few seconds would drown everything else.
            autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
            redact: ['req.headers.authorization', 'req.headers["x-agent-psk"]'],
            stream: logDestination(),
          },
        }),
        DatabaseModule,
        EventsModule,
        TimeSeriesModule,
        WorkspaceAccessModule,
        AuthModule,
        HealthModule,
        LoggingModule,
        ...FEATURE_MODULES,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
