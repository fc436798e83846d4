import { RateLimit } from '../common/rate-limit.guard';
import type { AppConfig } from '../config/config';

/** One bucket per agent (the PSK guard runs first and names it). */
export const AgentApiRateLimit = (): MethodDecorator & ClassDecorator =>
  RateLimit((config: AppConfig) => ({ name: 'agent-api', ...config.agentApi.rateLimit }));
