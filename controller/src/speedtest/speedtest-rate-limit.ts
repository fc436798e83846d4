import { RateLimit } from '../common/rate-limit.guard';
import type { AppConfig } from '../config/config';

/** One bucket per agent (the PSK guard runs first and names it), apart from /agent/api's. */
export const SpeedtestRateLimit = (): MethodDecorator & ClassDecorator =>
  RateLimit((config: AppConfig) => ({ name: 'speedtest', ...config.speedtest.rateLimit }));
