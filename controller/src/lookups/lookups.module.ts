import { Module } from '@nestjs/common';
import { GeoIpModule } from './geoip/geoip.module';
import { OuiModule } from './oui/oui.module';

/** GeoIP, OUI, WHOIS and the combined lookup; exports the services the agent API reuses. */
@Module({
  imports: [GeoIpModule, OuiModule],
  exports: [GeoIpModule, OuiModule],
})
export class LookupsModule {}
