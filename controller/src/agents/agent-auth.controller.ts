import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator';
import { AgentAuthService, PinBootstrapResult, PinLockedError, PskLoginResult } from './agent-auth.service';
import { AgentLoginDto } from './dto/agent.dto';

/** POST /agent: the agent's own login (PIN bootstrap or PSK); no user JWT involved. */
@Public()
@Controller('agent')
export class AgentAuthController {
  constructor(private readonly auth: AgentAuthService) {}

  @Post()
  @HttpCode(200)
  async login(
    @Body() dto: AgentLoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PinBootstrapResult | PskLoginResult> {
    try {
      // req.ip honours TRUSTED_PROXIES, so a proxy's clients are told apart and nobody else can pick a source.
      return await this.auth.login(dto, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    } catch (err) {
      // The error filter renders the body; the header has to be set on the way out.
      if (err instanceof PinLockedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }
}
