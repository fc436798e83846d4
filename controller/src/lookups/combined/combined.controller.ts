import { Controller, Get, Query } from '@nestjs/common';
import { RequireScope } from '../../auth/require-scope.decorator';
import { LookupRateLimit } from '../lookup-rate-limit';
import { CombinedService } from './combined.service';
import type { CombinedView } from './combined.view';
import { CombinedLookupQueryDto } from './dto/combined-lookup.dto';

/** Every lookup, bulk POSTs included, only reads. */
@RequireScope('lookups:read')
@LookupRateLimit()
@Controller('lookup')
export class CombinedController {
  constructor(private readonly combined: CombinedService) {}

  @Get('combined')
  lookup(@Query() query: CombinedLookupQueryDto): Promise<CombinedView> {
    return this.combined.lookup(query.ip);
  }
}
