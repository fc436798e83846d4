import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RequireScope } from '../../auth/require-scope.decorator';
import { LookupRateLimit } from '../lookup-rate-limit';
import { OuiBulkLookupDto } from './dto/oui-lookup.dto';
import { OuiService } from './oui.service';
import type { OuiListView, OuiStatusView, OuiView } from './oui.view';

/** Every lookup, bulk POSTs included, only reads. */
@RequireScope('lookups:read')
@LookupRateLimit()
@Controller('lookup/oui')
export class OuiController {
  constructor(private readonly oui: OuiService) {}

  /** Declared before `:mac` so "status" is never read as a MAC address. */
  @Get('status')
  status(): OuiStatusView {
    return this.oui.status();
  }

  @Get(':mac')
  lookup(@Param('mac') mac: string): OuiView {
    return this.oui.lookup(mac);
  }

  @Post()
  @HttpCode(200)
  lookupMany(@Body() body: OuiBulkLookupDto): OuiListView {
    const results = this.oui.lookupMany(body.macs);
    return { results, count: results.length };
  }
}
