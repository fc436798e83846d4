import { Injectable } from '@nestjs/common';
import { GeoIpService } from '../lookups/geoip/geoip.service';
import type { IpAddress } from '../lookups/ip-address';
import { LookupResolver } from '../lookups/lookup-resolver';
import type { AgentGeoIpView, AgentIpView } from './agent-api.view';

/** Controller services for agents: their own address, and address enrichment without WHOIS. */
@Injectable()
export class AgentApiService {
  constructor(
    private readonly geoip: GeoIpService,
    private readonly resolver: LookupResolver,
  ) {}

  async describe(ip: IpAddress, enrich: boolean): Promise<AgentIpView> {
    const timestamp = new Date().toISOString();
    if (!enrich) return { ip: ip.address, timestamp };
    const [geo, reverse] = await Promise.allSettled([this.geoip.lookup(ip), this.resolver.reverse(ip)]);
    const errors: AgentIpView['errors'] = {};
    let geoip: AgentIpView['geoip'];
    if (geo.status === 'fulfilled') {
      // The enclosing object already names the address.
      geoip = Object.fromEntries(Object.entries(geo.value).filter(([key]) => key !== 'ip')) as AgentGeoIpView;
    } else {
      errors.geoip = (geo.reason as Error).message;
    }
    if (reverse.status === 'rejected') errors.reverse_dns = (reverse.reason as Error).message;
    return {
      ip: ip.address,
      ...(geoip ? { geoip } : {}),
      reverse_dns: reverse.status === 'fulfilled' ? reverse.value : null,
      timestamp,
      ...(Object.keys(errors).length > 0 ? { errors } : {}),
    };
  }
}
