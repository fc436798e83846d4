import { Module } from '@nestjs/common';
import { GeoIpModule } from '../geoip/geoip.module';
import { LookupCacheModule } from '../lookup-cache.module';
import { LookupResolverModule } from '../lookup-resolver.module';
import { WhoisModule } from '../whois/whois.module';
import { CombinedController } from './combined.controller';
import { CombinedService } from './combined.service';

@Module({
  imports: [GeoIpModule, WhoisModule, LookupResolverModule, LookupCacheModule],
  controllers: [CombinedController],
  providers: [CombinedService],
})
export class CombinedModule {}
