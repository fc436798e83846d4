import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** What the JWT strategy attaches to a request once the token and the user check out. */
export interface AuthUser {
  id: number;
  email: string;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
