import type { Scope } from './scopes';

/**
 * Who is calling, whatever the credential was (a session JWT today, an API token, later SSO).
 * The one shape every route, guard and socket handler sees; built only by AuthenticateService.
 */
export interface Caller {
  userId: number;
  email: string;
  scopes: readonly Scope[];
  /** Set when the credential is an API token. */
  tokenId?: number;
  /** The JWT's `jti`, so the session can be revoked (logout). */
  sessionId?: string;
  /** An API token restricted to some workspaces; undefined means every workspace of the user. */
  workspaceIds?: readonly number[];
}

/** The request once the global AuthGuard has run. `user` stays for guards keyed by user id. */
export interface CallerRequest {
  caller?: Caller;
  user?: { id: number; email: string };
  params: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
}

/** `Bearer <credential>` from an Authorization value; undefined when absent or another scheme. */
export function bearerCredential(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
