import type { TestUser } from './factories';
import type { Http } from './http';

export interface CreatedToken {
  id: number;
  /** The secret, as shown once at creation. */
  token: string;
  /** A client carrying the token instead of the user's session. */
  http: Http;
}

/** Creates an API token through the real API with the user's session. */
export async function createToken(
  user: TestUser,
  scopes: string[],
  extra: { workspace_ids?: number[] | null; expires_at?: string | null; name?: string } = {},
): Promise<CreatedToken> {
  const res = await user.http.post('/auth/tokens', { name: extra.name ?? `token ${scopes.join(' ')}`, scopes, ...extra });
  if (res.status !== 201) throw new Error(`create token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, token: res.body.token, http: user.http.as(res.body.token) };
}
