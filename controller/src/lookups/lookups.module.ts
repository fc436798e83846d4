import { Module } from '@nestjs/common';
import { GeoIpModule } from './geoip/geoip.module';
import { OuiModule } from './oui/oui.module';
import { WhoisModule } from './whois/whois.module';

/** GeoIP, OUI, WHOIS and the combined lookup; exports the services the agent API reuses. */
@Module({
  imports: [GeoIpModule, OuiModule, WhoisModule],
  exports: [GeoIpModule, OuiModule, WhoisModule],
})
export class LookupsModule {}
