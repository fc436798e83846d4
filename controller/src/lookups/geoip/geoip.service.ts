import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ApiError } from '../../common/api-error';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { IpAddress, parseIp } from '../ip-address';
import { reservedRange } from '../reserved-ranges';
import { asnFrom, geoFieldsFrom, GeoFields } from './geo-record';
import { allSources, geoIpSources, GeoIpSources, Source } from './geoip-sources';
import type { GeoIpStatusView, GeoIpView } from './geoip.view';
import { MmdbDatabase, mmdbGet } from './mmdb-reader';

/** Parses an address or answers 400: every lookup entry point validates the same way. */
export function requireIp(input: string): IpAddress {
  const ip = parseIp(input);
  if (!ip) throw ApiError.badRequest(`"${input.slice(0, 64)}" is not an IPv4 or IPv6 address`, 'invalid_ip');
  return ip;
}

function covers(source: Source<unknown>, ip: IpAddress): boolean {
  return source.family === undefined || source.family === ip.version;
}

/**
 * GeoIP and ASN for an address from local database files: no network traffic. Databases load
 * on first use (so controllers that never look anything up never pay for 100 MB of data) and
 * reload when replaced on disk.
 */
@Injectable()
export class GeoIpService implements OnModuleDestroy {
  private readonly sources: GeoIpSources;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.sources = geoIpSources(config.lookups);
  }

  onModuleDestroy(): void {
    for (const s of allSources(this.sources)) s.file.close();
  }

  async lookup(ip: IpAddress): Promise<GeoIpView> {
    const reserved = reservedRange(ip);
    if (reserved) return { ip: ip.address, reserved };
    const located = await this.locate(ip);
    const asn = await this.asn(ip);
    return {
      ip: ip.address,
      ...(located.city ? { city: located.city } : {}),
      ...(located.country ? { country: located.country } : {}),
      ...(asn ? { asn } : {}),
      ...(located.coordinates ? { coordinates: located.coordinates } : {}),
    };
  }

  async status(): Promise<GeoIpStatusView> {
    const loaded = async (sources: Source<unknown>[]): Promise<boolean> =>
      sources.length > 0 && (await Promise.all(sources.map((s) => s.file.get()))).every((v) => v !== undefined);
    const [city, country, asnMmdb, asnRanges] = await Promise.all([
      loaded(this.sources.city),
      loaded(this.sources.country),
      loaded(this.sources.asnMmdb),
      loaded(this.sources.asnRanges),
    ]);
    // A city database answers country questions too.
    return { city, country: country || city, asn: asnMmdb || asnRanges };
  }

  /**
   * Identifies the data currently loaded; it changes when any database is replaced, so cached
   * answers from an older database are not served after a reload.
   */
  async dataVersion(): Promise<string> {
    const sources = allSources(this.sources);
    await Promise.all(sources.map((s) => s.file.get()));
    return sources.map((s) => s.file.version).join('|');
  }

  private async firstRecord<T>(sources: Source<MmdbDatabase<T>>[], ip: IpAddress): Promise<T | null> {
    for (const source of sources) {
      if (!covers(source, ip)) continue;
      const db = await source.file.get();
      const record = db ? mmdbGet(db, ip) : null;
      if (record) return record;
    }
    return null;
  }

  private async locate(ip: IpAddress): Promise<GeoFields> {
    const fields = geoFieldsFrom(await this.firstRecord(this.sources.city, ip));
    if (!fields.country && this.sources.country.length > 0) {
      const country = geoFieldsFrom(await this.firstRecord(this.sources.country, ip));
      return { ...country, ...fields };
    }
    return fields;
  }

  private async asn(ip: IpAddress): Promise<GeoIpView['asn']> {
    if (this.sources.asnMmdb.length > 0) return asnFrom(await this.firstRecord(this.sources.asnMmdb, ip));
    for (const source of this.sources.asnRanges) {
      if (!covers(source, ip)) continue;
      const found = (await source.file.get())?.lookup(ip);
      if (found) return found;
    }
    return undefined;
  }
}
