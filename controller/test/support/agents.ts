import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';
import { createWorkspace, registerUser, TestUser } from './factories';
import { Http } from './http';
import { addMember } from './workspace-members';

/** One workspace with a member of every role, plus an outsider who owns a second workspace. */
export interface RoleFixture {
  owner: TestUser;
  admin: TestUser;
  user: TestUser;
  outsider: TestUser;
  ws: number;
  otherWs: number;
}

export async function workspaceWithRoles(base: Http): Promise<RoleFixture> {
  const [owner, admin, user, outsider] = await Promise.all([
    registerUser(base, 'owner'),
    registerUser(base, 'admin'),
    registerUser(base, 'user'),
    registerUser(base, 'outsider'),
  ]);
  const ws = (await createWorkspace(owner, 'agents')).id;
  const otherWs = (await createWorkspace(outsider, 'other')).id;
  await addMember(owner, ws, admin, 'ADMIN');
  await addMember(owner, ws, user, 'USER');
  return { owner, admin, user, outsider, ws, otherWs };
}

export interface CreatedAgent {
  agent: any;
  pin: string;
}

export async function createAgent(by: TestUser, ws: number, body: Record<string, unknown> = {}): Promise<CreatedAgent> {
  const res = await by.http.post(`/workspaces/${ws}/agents`, { name: `agent-${Math.random().toString(36).slice(2, 8)}`, ...body });
  if (res.status !== 201) throw new Error(`create agent failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Exchanges the PIN for a PSK through the public endpoint, as an agent does. */
export async function enroll(base: Http, ws: number, agentId: number, pin: string): Promise<string> {
  const res = await new Http(base.baseUrl).post('/agent', { workspace_id: ws, agent_id: agentId, pin });
  if (res.status !== 200) throw new Error(`enroll failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.psk;
}

/** The database of a booted app or of a service-tier context (support/service-tier.ts). */
export function db(t: TestApp | { db: DataSource }): DataSource {
  return 'db' in t ? t.db : t.app.get(DataSource);
}

/** Every column of an agent row, credentials included, straight from the database. */
export async function agentRow(t: TestApp | { db: DataSource }, agentId: number): Promise<Record<string, unknown>> {
  const [row] = await db(t).query('SELECT * FROM agents WHERE id = $1', [agentId]);
  return row;
}

export async function probeRows(t: TestApp | { db: DataSource }, agentId: number): Promise<any[]> {
  return db(t).query('SELECT * FROM probes WHERE agent_id = $1 ORDER BY id', [agentId]);
}

export async function countProbes(t: TestApp | { db: DataSource }, workspaceId: number): Promise<number> {
  const [row] = await db(t).query('SELECT count(*)::int AS n FROM probes WHERE workspace_id = $1', [workspaceId]);
  return Number(row.n);
}
