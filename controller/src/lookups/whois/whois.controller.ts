import { Controller, Get, Query } from '@nestjs/common';
import { RequireScope } from '../../auth/require-scope.decorator';
import { LookupRateLimit } from '../lookup-rate-limit';
import { WhoisLookupQueryDto } from './dto/whois-lookup.dto';
import { WhoisService } from './whois.service';
import type { WhoisView } from './whois.view';

/** Every lookup, bulk POSTs included, only reads. */
@RequireScope('lookups:read')
@LookupRateLimit()
@Controller('whois')
export class WhoisController {
  constructor(private readonly whois: WhoisService) {}

  @Get('lookup')
  lookup(@Query() dto: WhoisLookupQueryDto): Promise<WhoisView> {
    return this.whois.lookup(this.whois.resolveInput(dto.query, dto.ip));
  }
}
