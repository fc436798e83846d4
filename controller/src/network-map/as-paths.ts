import { Injectable } from '@nestjs/common';
import { parseIp } from '../lookups/ip-address';
import { GeoIpService } from '../lookups/geoip/geoip.service';
import { asPathOf } from './route-diff';

/** AS paths of hop sequences from the local ASN database (no network I/O); private and unknown hops are skipped. */
@Injectable()
export class AsPaths {
  constructor(private readonly geoip: GeoIpService) {}

  async of(hops: readonly (string | null)[]): Promise<number[]> {
    const asns = new Map<string, number | null>();
    for (const hop of new Set(hops)) {
      if (hop === null) continue;
      const ip = parseIp(hop);
      asns.set(hop, ip ? ((await this.geoip.lookup(ip)).asn?.number ?? null) : null);
    }
    return asPathOf(hops, (address) => asns.get(address) ?? null);
  }
}
