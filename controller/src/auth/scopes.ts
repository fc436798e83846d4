/**
 * What an API token may do, per area of the API. A session (a user's JWT) holds every scope;
 * its limits are the user's workspace roles. A token holds the scopes it was created with and
 * never more than its user's roles allow, because the role check still runs for it.
 */
export const SCOPE_AREAS = ['workspaces', 'agents', 'probes', 'probe-data', 'alerts', 'lookups'] as const;
export type ScopeArea = (typeof SCOPE_AREAS)[number];

/** `admin` covers instance administration (unlocking accounts); it implies no area scope. */
export type Scope = `${ScopeArea}:read` | `${ScopeArea}:write` | 'admin';

export const ALL_SCOPES: readonly Scope[] = [
  ...SCOPE_AREAS.flatMap((area): Scope[] => [`${area}:read`, `${area}:write`]),
  'admin',
];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (ALL_SCOPES as readonly string[]).includes(value);
}

/** Writing an area implies reading it: a token that may change probes may also list them. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  if (held.includes(needed)) return true;
  return needed.endsWith(':read') && held.includes(needed.replace(/:read$/, ':write') as Scope);
}
