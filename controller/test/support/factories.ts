import { Http } from './http';

let seq = 0;
const unique = (): string => `${process.pid}-${Date.now()}-${++seq}`;

export interface TestUser {
  id: number;
  email: string;
  token: string;
  http: Http;
}

/** Registers a user through the real API and returns a client already carrying its token. */
export async function registerUser(base: Http, name = 'user'): Promise<TestUser> {
  const email = `${name}-${unique()}@example.test`;
  const res = await base.post('/auth/register', { email, password: 'correct-horse-battery', name });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.id, email, token: res.body.token, http: base.as(res.body.token) };
}

export async function createWorkspace(user: TestUser, name = 'ws'): Promise<{ id: number }> {
  const res = await user.http.post('/workspaces', { name: `${name}-${unique()}` });
  if (res.status !== 201) throw new Error(`create workspace failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
