import { Module } from '@nestjs/common';
import { CombinedModule } from './combined/combined.module';
import { GeoIpModule } from './geoip/geoip.module';
import { LookupResolverModule } from './lookup-resolver.module';
import { OuiModule } from './oui/oui.module';
import { WhoisModule } from './whois/whois.module';

/** GeoIP, OUI, WHOIS and the combined lookup; exports what the agent API reuses. */
@Module({
  imports: [GeoIpModule, OuiModule, WhoisModule, CombinedModule, LookupResolverModule],
  exports: [GeoIpModule, LookupResolverModule],
})
export class LookupsModule {}
