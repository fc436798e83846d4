import { randomUUID } from 'node:crypto';

/** The few REST calls the harness makes, through the real API (no shortcuts into the databases). */
export class Api {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  as(token: string): Api {
    return new Api(this.url, token);
  }

  async call<T>(method: string, path: string, body?: unknown, expected: number[] = [200, 201]): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }
}

export interface BenchUser {
  email: string;
  password: string;
  token: string;
}

const PASSWORD = 'bench-password-not-secret';

export async function registerUser(api: Api, name = 'bench'): Promise<BenchUser> {
  const email = `${name}-${randomUUID().slice(0, 8)}@bench.test`;
  const res = await api.call<{ token: string }>('POST', '/auth/register', { email, password: PASSWORD, name });
  return { email, password: PASSWORD, token: res.token };
}

/** A fresh token for a known user (tokens expire; cached fleets outlive them). */
export async function login(api: Api, email: string, password = PASSWORD): Promise<string> {
  const res = await api.call<{ token: string }>('POST', '/auth/login', { email, password });
  return res.token;
}

export async function createWorkspace(api: Api, name: string): Promise<number> {
  return (await api.call<{ id: number }>('POST', '/workspaces', { name: `${name}-${randomUUID().slice(0, 8)}` })).id;
}

export async function createAgent(api: Api, workspaceId: number, name: string): Promise<{ id: number; pin: string }> {
  const res = await api.call<{ agent: { id: number }; pin: string }>('POST', `/workspaces/${workspaceId}/agents`, { name });
  return { id: res.agent.id, pin: res.pin };
}

/** PIN → PSK through POST /agent, exactly as an agent enrolls. */
export async function enrollAgent(api: Api, workspaceId: number, agentId: number, pin: string): Promise<string> {
  const res = await api.call<{ psk: string }>('POST', '/agent', { workspace_id: workspaceId, agent_id: agentId, pin });
  return res.psk;
}

export async function createProbe(api: Api, workspaceId: number, agentId: number, body: Record<string, unknown>): Promise<number> {
  return (await api.call<{ id: number }>('POST', `/workspaces/${workspaceId}/agents/${agentId}/probes`, body)).id;
}

/** Stored results matching the filter, as the probe-data find endpoint counts them. */
export async function countResults(api: Api, workspaceId: number, query = ''): Promise<number> {
  const res = await api.get<{ total: number }>(`/workspaces/${workspaceId}/probe-data/find?limit=1${query ? `&${query}` : ''}`);
  return res.total;
}

/**
 * Every stored result id of one probe created at or after `since` (the find endpoint pages at
 * most 10,000 rows). Filtered here rather than with `from`, which answered 500 before 058e360.
 */
export async function storedIds(api: Api, workspaceId: number, probeId: number, since: Date): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 10_000) {
    const res = await api.get<{ data: { id: string; created_at: string }[]; total: number }>(
      `/workspaces/${workspaceId}/probe-data/find?probeId=${probeId}&limit=10000&offset=${offset}`,
    );
    ids.push(...res.data.filter((r) => Date.parse(r.created_at) >= since.getTime()).map((r) => r.id));
    if (res.data.length < 10_000) return ids;
  }
}
