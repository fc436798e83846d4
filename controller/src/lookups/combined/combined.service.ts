import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../../common/api-error';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { GeoIpService } from '../geoip/geoip.service';
import type { GeoIpView } from '../geoip/geoip.view';
import { parseHostname } from '../../common/hostname';
import { IpAddress, parseIp } from '../ip-address';
import { LookupCache } from '../lookup-cache.service';
import { DnsError, LookupResolver } from '../lookup-resolver';
import { reservedRange } from '../reserved-ranges';
import { WhoisService } from '../whois/whois.service';
import type { CachedGeoIpView, CombinedErrors, CombinedView } from './combined.view';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

async function attempt<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * GeoIP + WHOIS + reverse DNS for one address (or a host name, resolved first). GeoIP and WHOIS
 * answers are cached in the time-series store; each part fails on its own, reported under
 * `errors`, while the others still answer.
 */
@Injectable()
export class CombinedService {
  constructor(
    private readonly geoip: GeoIpService,
    private readonly whois: WhoisService,
    private readonly resolver: LookupResolver,
    private readonly cache: LookupCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async lookup(input: string): Promise<CombinedView> {
    const { ip, hostname } = await this.target(input);
    const reserved = reservedRange(ip) !== null;
    const [geoip, whois, reverse] = await Promise.all([
      attempt(() => this.cachedGeoIp(ip)),
      reserved
        ? Promise.resolve<Outcome<null>>({ ok: true, value: null })
        : attempt(() => this.whois.lookup({ kind: 'ip', ip, text: ip.address })),
      attempt(() => this.resolver.reverse(ip)),
    ]);
    const errors: CombinedErrors = {};
    if (!geoip.ok) errors.geoip = geoip.error;
    if (!whois.ok) errors.whois = whois.error;
    if (!reverse.ok) errors.reverse_dns = reverse.error;
    const parts = [geoip.ok ? geoip.value : null, whois.ok ? whois.value : null].filter((p) => p !== null);
    const times = parts.map((p) => p.cache_time).sort();
    return {
      ip: ip.address,
      ...(hostname ? { hostname } : {}),
      geoip: geoip.ok ? geoip.value : null,
      whois: whois.ok ? whois.value : null,
      reverse_dns: reverse.ok ? reverse.value : null,
      cached: parts.length > 0 && parts.every((p) => p.cached),
      cache_time: times[0] ?? new Date().toISOString(),
      ...(Object.keys(errors).length > 0 ? { errors } : {}),
    };
  }

  private async target(input: string): Promise<{ ip: IpAddress; hostname?: string }> {
    const ip = parseIp(input);
    if (ip) return { ip };
    const hostname = parseHostname(input);
    if (!hostname) throw ApiError.badRequest('ip must be an IP address or a host name', 'invalid_query');
    let resolved: IpAddress | null;
    try {
      resolved = await this.resolver.resolve(hostname);
    } catch (e) {
      if (e instanceof DnsError && e.failure === 'timeout')
        throw new ApiError(HttpStatus.GATEWAY_TIMEOUT, 'dns_timeout', e.message);
      throw new ApiError(HttpStatus.BAD_GATEWAY, 'dns_failed', (e as Error).message);
    }
    if (!resolved) throw ApiError.badRequest(`host ${hostname} does not resolve to an address`, 'host_not_found');
    return { ip: resolved, hostname };
  }

  private async cachedGeoIp(ip: IpAddress): Promise<CachedGeoIpView> {
    // Keyed by the loaded databases' version too: a replaced database invalidates old answers.
    const version = await this.geoip.dataVersion();
    const { value, cached, cacheTime } = await this.cache.remember<GeoIpView>(
      'geoip',
      ip.address,
      version,
      this.config.lookups.geoipCacheDays,
      () => this.geoip.lookup(ip),
    );
    return { ...value, cached, cache_time: cacheTime.toISOString() };
  }
}
