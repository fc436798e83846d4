import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Caller, CallerRequest } from './caller';

/** The account behind the caller, in the shape services take for "who does this". */
export interface AuthUser {
  id: number;
  email: string;
}

export function callerOf(ctx: ExecutionContext): Caller {
  const caller = ctx.switchToHttp().getRequest<CallerRequest>().caller;
  // Only reachable on a @Public() route, where asking for the caller is a programming error.
  if (!caller) throw new Error('no caller on this request: is the route @Public()?');
  return caller;
}

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => callerOf(ctx));

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const caller = callerOf(ctx);
  return { id: caller.userId, email: caller.email };
});
