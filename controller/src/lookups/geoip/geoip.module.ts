import { Module } from '@nestjs/common';
import { GeoIpController } from './geoip.controller';
import { GeoIpService } from './geoip.service';

@Module({
  controllers: [GeoIpController],
  providers: [GeoIpService],
  exports: [GeoIpService],
})
export class GeoIpModule {}
