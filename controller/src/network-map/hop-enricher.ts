import { Injectable } from '@nestjs/common';
import { parseIp } from '../lookups/ip-address';
import { GeoIpService } from '../lookups/geoip/geoip.service';
import { HopNames } from './hop-names';
import type { MapNodeView } from './network-map.view';

/**
 * Owner and country of the map's public addresses from the local GeoIP/ASN database files
 * (GeoIpService: no network I/O, so a map answer never waits on WHOIS), and hop names from
 * reverse DNS within a small budget (HopNames). Private and other
 * special-purpose addresses are not looked up; without databases the fields stay null.
 */
@Injectable()
export class HopEnricher {
  constructor(
    private readonly geoip: GeoIpService,
    private readonly names: HopNames,
  ) {}

  async enrich(nodes: MapNodeView[]): Promise<void> {
    // Reverse DNS within the map's small budget (HopNames): private addresses too, as an
    // internal resolver often names them; a name not known yet stays null until a later read.
    const named = await this.names.names(nodes.flatMap((n) => (n.ip !== null && n.hostname === null ? [n.ip] : [])));
    for (const n of nodes) if (n.ip !== null) n.hostname ??= named.get(n.ip) ?? null;
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
