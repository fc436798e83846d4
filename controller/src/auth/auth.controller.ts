import { Body, Controller, HttpCode, Ip, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AuthResponse, AuthService, LoginLockedError } from './auth.service';
import type { Caller } from './caller';
import { CurrentCaller } from './current-user.decorator';
import { ChangePasswordDto, LoginDto, RegisterDto, UnlockDto } from './dto/auth.dto';
import { Public } from './public.decorator';
import { RequireScope } from './require-scope.decorator';
import { SessionOnly } from './session-only.decorator';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  register(@Body() dto: RegisterDto): Promise<AuthResponse> {
    return this.auth.register(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() dto: LoginDto,
    @Ip() source: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuthResponse> {
    try {
      return await this.auth.login(dto, source);
    } catch (e) {
      if (e instanceof LoginLockedError) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    }
  }

  /** Answers with a new token: every token issued before, this request's included, stops working. */
  @Post('password')
  @HttpCode(200)
  @SessionOnly()
  changePassword(@CurrentCaller() caller: Caller, @Body() dto: ChangePasswordDto): Promise<AuthResponse> {
    return this.auth.changePassword(caller, dto);
  }

  /** Ends the session whose token made this request. */
  @Post('logout')
  @HttpCode(204)
  @SessionOnly()
  logout(@CurrentCaller() caller: Caller): Promise<void> {
    return this.auth.logout(caller);
  }

  @Post('unlock')
  @HttpCode(204)
  @RequireScope('admin')
  unlock(@CurrentCaller() caller: Caller, @Body() dto: UnlockDto): Promise<void> {
    return this.auth.unlock(caller, dto);
  }
}
