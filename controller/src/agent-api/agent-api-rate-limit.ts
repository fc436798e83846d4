import { RateLimit } from '../common/rate-limit.guard';

/** One bucket per agent (the PSK guard runs first and names it). */
export const AgentApiRateLimit = (): MethodDecorator & ClassDecorator =>
  RateLimit((config) => ({ name: 'agent-api', ...config.agentApi.rateLimit }));
