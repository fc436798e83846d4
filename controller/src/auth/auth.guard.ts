import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error';
import { AuthenticateService } from './authenticate.service';
import { bearerCredential, CallerRequest } from './caller';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPE } from './require-scope.decorator';
import { grants, Scope } from './scopes';
import { SESSION_ONLY } from './session-only.decorator';

/**
 * Global: every route needs a credential unless it is marked @Public(). Attaches the Caller,
 * then checks what the route declares: @RequireScope (a session holds all scopes) or
 * @SessionOnly (no API token). A route that declares neither refuses API tokens: forgetting
 * the declaration fails closed (route-declarations.test.ts lists every route's).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthenticateService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<CallerRequest>();
    const caller = await this.auth.authenticate(bearerCredential(req.headers.authorization));
    req.caller = caller;
    req.user = { id: caller.userId, email: caller.email };
    if (caller.tokenId === undefined) return true;
    if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, targets)) {
      throw ApiError.forbidden('this route needs a logged-in session, not an API token', 'session_required');
    }
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (!scope) throw ApiError.forbidden('this route is not open to API tokens', 'scope_missing');
    if (!grants(caller.scopes, scope)) throw ApiError.forbidden(`this token lacks the ${scope} scope`, 'scope_missing');
    return true;
  }
}
