import { ExtractJwt } from 'passport-jwt';
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

/** Whether the credential may reach this workspace at all (membership is checked separately). */
export function reachesWorkspace(caller: Pick<Caller, 'workspaceIds'>, workspaceId: number): boolean {
  return !caller.workspaceIds || caller.workspaceIds.includes(workspaceId);
}

/** The request once the global AuthGuard has run. `user` stays for guards keyed by user id. */
export interface CallerRequest {
  caller?: Caller;
  user?: { id: number; email: string };
  params: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
}

/** passport-jwt's extractor: the one reading of `Authorization: Bearer …` for HTTP and sockets. */
const fromBearerHeader = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * The credential of an Authorization value (`Bearer <session JWT or API token>`); undefined when
 * absent or another scheme. Extraction only: AuthenticateService decides what the credential is.
 */
export function bearerCredential(header: unknown): string | undefined {
  // passport-jwt would read `Bearer a b` as `a`; a value with extra words is refused instead.
  if (typeof header !== 'string' || !/^\S+\s+\S+\s*$/.test(header)) return undefined;
  // The extractor reads only `headers.authorization`; it takes any request-like object.
  const request = { headers: { authorization: header } } as unknown as Parameters<typeof fromBearerHeader>[0];
  return fromBearerHeader(request) ?? undefined;
}
