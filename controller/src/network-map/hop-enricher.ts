import { Injectable } from '@nestjs/common';
import { parseIp } from '../lookups/ip-address';
import { GeoIpService } from '../lookups/geoip/geoip.service';
import type { MapNodeView } from './network-map.view';

/**
 * Owner and country of the map's public addresses from the local GeoIP/ASN database files
 * (GeoIpService: no network I/O, so a map answer never waits on WHOIS or DNS). Private and other
 * special-purpose addresses are not looked up; without databases the fields stay null.
 */
@Injectable()
export class HopEnricher {
  constructor(private readonly geoip: GeoIpService) {}

  async enrich(nodes: MapNodeView[]): Promise<void> {
    const byIp = new Map<string, MapNodeView[]>();
    for (const n of nodes) {
      if (n.ip === null || n.private) continue;
      byIp.set(n.ip, [...(byIp.get(n.ip) ?? []), n]);
    }
    for (const [text, sharing] of byIp) {
      const ip = parseIp(text);
      if (!ip) continue;
      const found = await this.geoip.lookup(ip);
      for (const n of sharing) {
        n.asn = found.asn?.number ?? null;
        n.as_org = found.asn?.organization ?? null;
        n.country = found.country?.code ?? null;
      }
    }
  }
}
