import { SetMetadata } from '@nestjs/common';

export const SESSION_ONLY = 'netwatcher:session-only';

/**
 * The route is for a person logged in, not for an API token, whatever its scopes: managing
 * tokens (a token could otherwise mint a broader or longer-lived one) and the account's
 * credentials (password, logout). AuthGuard answers a token 403 `session_required`.
 */
export const SessionOnly = (): MethodDecorator & ClassDecorator => SetMetadata(SESSION_ONLY, true);
