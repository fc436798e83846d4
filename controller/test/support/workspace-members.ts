import type { Http, HttpResult } from './http';
import type { TestUser } from './factories';

export type Role = 'VIEWER' | 'USER' | 'ADMIN' | 'OWNER';

/** Invites `user` into the workspace as `role` and accepts on their behalf: an active member. */
export async function addMember(inviter: TestUser, workspaceId: number, user: TestUser, role: Role): Promise<number> {
  const invited = await inviter.http.post(`/workspaces/${workspaceId}/members`, { userId: user.id, role });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const accepted = await user.http.post(`/workspaces/${workspaceId}/accept-invite`, { email: user.email });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return accepted.body.id;
}

/** All members of a workspace as seen by `viewer` (one page is plenty in tests). */
export async function listMembers(viewer: Http, workspaceId: number): Promise<any[]> {
  const res = await viewer.get(`/workspaces/${workspaceId}/members?limit=200`);
  if (res.status !== 200) throw new Error(`list members failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function memberIdOf(viewer: Http, workspaceId: number, userId: number): Promise<number> {
  const member = (await listMembers(viewer, workspaceId)).find((m) => m.userId === userId);
  if (!member) throw new Error(`user ${userId} is not a member of workspace ${workspaceId}`);
  return member.id;
}

/** The documented error shape, with the status and (optionally) the code and a message pattern. */
export function expectError(res: Pick<HttpResult, 'status' | 'body'>, status: number, code?: string, message?: RegExp): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: {
      error: message ? expect.stringMatching(message) : expect.any(String),
      code: code ?? expect.any(String),
      request_id: expect.any(String),
    },
  });
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
