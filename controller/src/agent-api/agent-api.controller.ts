import { Controller, Get, Param, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AgentPskGuard } from '../agents/agent-psk.guard';
import { Public } from '../auth/public.decorator';
import { ApiError } from '../common/api-error';
import { requireIp } from '../lookups/geoip/geoip.service';
import { parseIp } from '../lookups/ip-address';
import { AgentApiRateLimit } from './agent-api-rate-limit';
import { AgentApiService } from './agent-api.service';
import type { AgentIpView } from './agent-api.view';
import { WhoamiQueryDto } from './dto/whoami-query.dto';

/**
 * /agent/api/*: PSK headers instead of a user JWT. Guards run in declaration order from the
 * class down, and decorators apply bottom-up: the PSK guard (lower) runs before the rate limit,
 * so the limit is per agent.
 */
@Public()
@AgentApiRateLimit()
@UseGuards(AgentPskGuard)
@Controller('agent/api')
export class AgentApiController {
  constructor(private readonly agentApi: AgentApiService) {}

  /**
   * The agent's address as this controller sees it: `req.ip` honours X-Forwarded-For only from
   * TRUSTED_PROXIES (Express `trust proxy`, set in app.factory).
   */
  @Get('whoami')
  whoami(@Req() req: Request, @Query() query: WhoamiQueryDto): Promise<AgentIpView> {
    const ip = parseIp(req.ip ?? req.socket.remoteAddress ?? '');
    if (!ip) throw ApiError.badRequest('the client address could not be determined', 'unknown_client_address');
    return this.agentApi.describe(ip, !(query.quick === 'true' || query.quick === '1'));
  }

  @Get('lookup/ip/:ip')
  lookup(@Param('ip') ip: string): Promise<AgentIpView> {
    return this.agentApi.describe(requireIp(ip), true);
  }
}
