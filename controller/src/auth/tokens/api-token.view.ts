import type { Scope } from '../scopes';
import type { ApiTokenEntity } from './api-token.entity';

/** A token as its owner sees it in lists: never the secret, which exists only at creation. */
export interface ApiTokenView {
  id: number;
  name: string;
  /** The first characters of the secret, to tell tokens apart. */
  prefix: string;
  scopes: Scope[];
  /** Null: every workspace of the user. */
  workspace_ids: number[] | null;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

/** The creation answer: the view plus the secret, shown this once. */
export interface CreatedApiTokenView extends ApiTokenView {
  token: string;
}

export function toApiTokenView(t: ApiTokenEntity): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes,
    workspace_ids: t.workspaceIds,
    expires_at: t.expiresAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    created_at: t.createdAt.toISOString(),
  };
}
