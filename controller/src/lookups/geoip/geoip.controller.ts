import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { RequireScope } from '../../auth/require-scope.decorator';
import { LookupRateLimit } from '../lookup-rate-limit';
import { GeoIpBulkLookupDto, GeoIpLookupQueryDto } from './dto/geoip-lookup.dto';
import { GeoIpService, requireIp } from './geoip.service';
import type { GeoIpListView, GeoIpStatusView, GeoIpView } from './geoip.view';

/** Every lookup, bulk POSTs included, only reads. */
@RequireScope('lookups:read')
@LookupRateLimit()
@Controller('geoip')
export class GeoIpController {
  constructor(private readonly geoip: GeoIpService) {}

  @Get('lookup')
  lookup(@Query() query: GeoIpLookupQueryDto): Promise<GeoIpView> {
    return this.geoip.lookup(requireIp(query.ip));
  }

  /** All addresses are validated before any is looked up: one bad entry fails the request. */
  @Post('lookup')
  @HttpCode(200)
  async lookupMany(@Body() body: GeoIpBulkLookupDto): Promise<GeoIpListView> {
    const ips = body.ips.map(requireIp);
    const data = await Promise.all(ips.map((ip) => this.geoip.lookup(ip)));
    return { data, total: data.length };
  }

  @Get('status')
  status(): Promise<GeoIpStatusView> {
    return this.geoip.status();
  }
}
