import { RateLimit } from '../common/rate-limit.guard';
import type { AppConfig } from '../config/config';

/**
 * One bucket per user shared by every lookup route (/geoip, /lookup, /whois), so spreading
 * requests over endpoints does not multiply the rate: the controller must not become an open
 * WHOIS relay.
 */
export const LookupRateLimit = (): MethodDecorator & ClassDecorator =>
  RateLimit((config: AppConfig) => ({ name: 'lookups', ...config.lookups.userRateLimit }));
