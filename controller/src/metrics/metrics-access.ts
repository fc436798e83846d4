import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerCredential } from '../auth/caller';
import type { MetricsSettings } from '../config/config';

/** Where a scrape arrived: the API port or the metrics listener of its own (METRICS_PORT). */
export type MetricsListenerKind = 'api' | 'own';

export type MetricsAccess = 'serve' | 'not_found' | 'unauthorized';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Whether a scrape is answered. Metrics are off unless asked for: with METRICS_PORT only that
 * listener serves them, so the API port answers 404 exactly as for a route that does not exist;
 * without it, the API port serves them only behind METRICS_TOKEN. A token, when set, is needed
 * wherever metrics are served. The comparison is over digests, in constant time.
 */
export function metricsAccess(settings: MetricsSettings, where: MetricsListenerKind, authorization: unknown): MetricsAccess {
  if (where === 'api' && (settings.port !== undefined || settings.token === undefined)) return 'not_found';
  if (settings.token === undefined) return 'serve';
  const given = bearerCredential(authorization);
  return given !== undefined && timingSafeEqual(digest(given), digest(settings.token)) ? 'serve' : 'unauthorized';
}
