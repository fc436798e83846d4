import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error';
import { AuthenticateService } from './authenticate.service';
import { bearerCredential, CallerRequest } from './caller';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPE } from './require-scope.decorator';
import { grants, Scope } from './scopes';

/**
 * Global: every route needs a credential unless it is marked @Public(). Attaches the Caller,
 * then checks the scope the route declares with @RequireScope (a session holds all scopes).
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
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (scope && !grants(caller.scopes, scope)) {
      throw ApiError.forbidden(`this token lacks the ${scope} scope`, 'scope_missing');
    }
    return true;
  }
}
