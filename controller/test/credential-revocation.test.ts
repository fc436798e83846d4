import type { SocketErrorMessage } from '@netwatcher/shared';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { connectOutcome, nextEvent, PanelClient, panelSocket } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';
import { createToken } from './support/tokens';

const PASSWORD = 'correct-horse-battery';

/** A connected panel socket with a live subscription to the workspace. */
async function subscribedPanel(url: string, credential: string, workspaceId: number): Promise<PanelClient> {
  const socket = panelSocket(url, credential);
  expect(await connectOutcome(socket)).toBe('connected');
  const subscribed = nextEvent(socket, 'subscribed');
  socket.emit('subscribe', { workspace_id: workspaceId, probe_id: 0 });
  await subscribed;
  return socket;
}

/** Proves the socket is still served: a fresh subscribe is answered. */
async function stillServed(socket: PanelClient, workspaceId: number): Promise<boolean> {
  const subscribed = nextEvent(socket, 'subscribed');
  socket.emit('subscribe', { workspace_id: workspaceId, probe_id: 0 });
  await subscribed;
  return socket.connected;
}

/** What the server said and why it hung up, in the order it happened. */
function ending(socket: PanelClient): Promise<{ message: SocketErrorMessage; reason: string }> {
  const message = nextEvent<SocketErrorMessage>(socket, 'error_message');
  const reason = nextEvent<string>(socket, 'disconnect');
  return Promise.all([message, reason]).then(([m, r]) => ({ message: m, reason: r }));
}

describe('revoking credentials ends the panel sockets they opened', () => {
  let t: TestApp;
  let http: Http;
  let user: TestUser;
  let ws: number;
  const open: PanelClient[] = [];

  beforeAll(async () => {
    t = await startTestApp('postgres');
    http = new Http(t.url);
    user = await registerUser(http, 'user');
    ws = (await createWorkspace(user)).id;
  });

  afterAll(async () => {
    for (const socket of open) socket.close();
    await t?.close();
  });

  async function panel(credential: string): Promise<PanelClient> {
    const socket = await subscribedPanel(t.url, credential, ws);
    open.push(socket);
    return socket;
  }

  it('disconnects the sockets of a deleted token at once, and no other', async () => {
    const doomed = await createToken(user, ['probe-data:read']);
    const kept = await createToken(user, ['probe-data:read']);
    const doomedSocket = await panel(doomed.token);
    const keptSocket = await panel(kept.token);
    const sessionSocket = await panel(user.token);

    const ended = ending(doomedSocket);
    expect((await user.http.delete(`/auth/tokens/${doomed.id}`)).status).toBe(204);
    expect(await ended).toEqual({
      message: expect.objectContaining({ code: 'credentials_revoked', error: expect.stringMatching(/token was deleted/) }),
      reason: 'io server disconnect',
    });
    expect(await stillServed(keptSocket, ws)).toBe(true);
    expect(await stillServed(sessionSocket, ws)).toBe(true);
    // And it cannot come back.
    const again = panelSocket(t.url, doomed.token);
    open.push(again);
    expect(await connectOutcome(again)).toMatchObject({ code: 'unauthorized' });
  });

  it('disconnects every earlier session of a user whose password changed, keeping API tokens and the new session', async () => {
    const oldSession = (await http.post('/auth/login', { email: user.email, password: PASSWORD })).body.token as string;
    const changing = (await http.post('/auth/login', { email: user.email, password: PASSWORD })).body.token as string;
    const token = await createToken(user, ['probe-data:read']);
    const oldSocket = await panel(oldSession);
    const changingSocket = await panel(changing);
    const tokenSocket = await panel(token.token);
    const otherUser = await registerUser(http, 'other');
    const otherWs = (await createWorkspace(otherUser)).id;
    const otherSocket = await subscribedPanel(t.url, otherUser.token, otherWs);
    open.push(otherSocket);

    const endedOld = ending(oldSocket);
    const endedChanging = ending(changingSocket);
    const changed = await http.as(changing).post('/auth/password', { current_password: PASSWORD, new_password: 'a-new-long-password' });
    expect(changed.status).toBe(200);
    for (const ended of [await endedOld, await endedChanging]) {
      expect(ended).toEqual({
        message: expect.objectContaining({ code: 'credentials_revoked', error: expect.stringMatching(/session ended/) }),
        reason: 'io server disconnect',
      });
    }
    expect(await stillServed(tokenSocket, ws)).toBe(true);
    const fresh = await panel(changed.body.token);
    expect(await stillServed(fresh, ws)).toBe(true);
    expect(await stillServed(otherSocket, otherWs)).toBe(true);
  });

  it('disconnects the sockets of a session that logs out, and only those', async () => {
    const leaving = (await http.post('/auth/login', { email: user.email, password: 'a-new-long-password' })).body.token as string;
    const staying = (await http.post('/auth/login', { email: user.email, password: 'a-new-long-password' })).body.token as string;
    const leavingSocket = await panel(leaving);
    const stayingSocket = await panel(staying);
    const ended = ending(leavingSocket);
    expect((await http.as(leaving).post('/auth/logout')).status).toBe(204);
    expect(await ended).toEqual({
      message: expect.objectContaining({ code: 'credentials_revoked' }),
      reason: 'io server disconnect',
    });
    expect(await stillServed(stayingSocket, ws)).toBe(true);
  });
});
