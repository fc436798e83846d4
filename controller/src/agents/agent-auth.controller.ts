import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
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
  async login(@Body() dto: AgentLoginDto, @Res({ passthrough: true }) res: Response): Promise<PinBootstrapResult | PskLoginResult> {
    try {
      return await this.auth.login(dto);
    } catch (err) {
      // The error filter renders the body; the header has to be set on the way out.
      if (err instanceof PinLockedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }
}
