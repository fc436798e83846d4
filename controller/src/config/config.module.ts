import { DynamicModule, Global, Module } from '@nestjs/common';
import { RATE_LIMIT_SETTINGS } from '../common/rate-limit.guard';
import { AppConfig } from './config';

export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RATE_LIMIT_SETTINGS, useExisting: APP_CONFIG },
      ],
      exports: [APP_CONFIG, RATE_LIMIT_SETTINGS],
    };
  }
}
