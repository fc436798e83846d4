import type { EntityManager } from 'typeorm';

/**
 * Everything the audit log records. Adding a recorded change is one line here plus one
 * `audit.record(...)` in the service that makes the change (e.g. `'token.created'`).
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.registered',
  'auth.password_changed',
  'auth.logout',
  'auth.unlocked',
  'token.created',
  'token.revoked',
  'workspace.created',
  'workspace.updated',
  'workspace.deleted',
  'workspace.ownership_transferred',
  'member.invited',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'agent.created',
  'agent.updated',
  'agent.deleted',
  'agent.pin_issued',
  'agent.enrolled',
  'agent.update_policy_set',
  'probe.created',
  'probe.updated',
  'probe.deleted',
  'probe.copied',
  'alert_rule.created',
  'alert_rule.updated',
  'alert_rule.deleted',
  'maintenance_window.created',
  'maintenance_window.deleted',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditChange {
  /** The workspace whose chain records it; null for the instance chain (logins, accounts). */
  workspaceId: number | null;
  action: AuditAction;
  target?: { type: string; id: number | string };
  /**
   * What changed, small: `{field: {from, to}}` for an update (auditDiff), the chosen fields for a
   * creation. Never a secret: callers pick fields, and the trail redacts secret-looking keys too.
   */
  changes?: Record<string, unknown>;
  /**
   * The acting account when the request has no authenticated caller (a login names the account
   * it logged into). Otherwise the actor comes from the request context.
   */
  actorUserId?: number | null;
}

/**
 * The audit log's writer, as features see it. Defined here, below the features, because every
 * feature records into it while the audit feature itself reads workspaces and accounts: the
 * audit module provides the implementation (AuditModule, global).
 *
 * With `em`, the entry is written in that transaction, so the change and its record commit
 * together or not at all. Without, it is written in a transaction of its own (a failed login
 * changes nothing else).
 */
export abstract class AuditTrail {
  abstract record(change: AuditChange, em?: EntityManager): Promise<void>;
}

/** Shown instead of a secret's value when it changed (a webhook secret, a PSK). */
export const REDACTED = '[redacted]';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * `{field: {from, to}}` for each listed field whose value differs. Fields in `secret` show
 * REDACTED on both sides: the log says the secret changed, never what it was or became.
 */
export function auditDiff<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
  secret: readonly (keyof T & string)[] = [],
): Record<string, { from: unknown; to: unknown }> {
  const diff: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (same(before[field], after[field])) continue;
    diff[field] = secret.includes(field)
      ? { from: REDACTED, to: REDACTED }
      : { from: before[field] ?? null, to: after[field] ?? null };
  }
  return diff;
}

/** The listed fields of an entity, for a creation or deletion record. */
export function auditFields<T extends object>(
  entity: T,
  fields: readonly (keyof T & string)[],
): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, entity[f] ?? null]));
}
