import { AgentEvents, type ProbeConfigSet, type ProbePostOk, type SocketErrorMessage } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { AgentPresence } from '../src/agents/agent-presence.service';
import { AgentConfigService } from '../src/probes/agent-config.service';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser } from './support/factories';
import { Http } from './support/http';
import { agentSocket, AgentClient, collect, connectOutcome, nextEvent, pingResult } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

const BURST = 5000;

/**
 * One agent flooding `probe_get` or `version` once held every other agent's acks for seconds
 * (a query per message). Now each socket is rate-limited and coalesced: a burst of 5,000 costs a
 * few dozen queries at most, and other agents are served as usual.
 */
describe('an agent flooding probe_get and version', () => {
  let t: TestApp;
  let flooder: AgentClient;
  let neighbour: AgentClient;
  let neighbourProbe: number;

  beforeAll(async () => {
    t = await startTestApp('pglite');
    const http = new Http(t.url);
    const owner = await registerUser(http, 'owner');
    const ws = (await createWorkspace(owner)).id;
    const connect = async (): Promise<{ socket: AgentClient; agentId: number }> => {
      const { agent, pin } = await createAgent(owner, ws);
      const socket = agentSocket(t.url, { workspaceId: ws, agentId: agent.id, psk: await enroll(http, ws, agent.id, pin) });
      expect(await connectOutcome(socket)).toBe('connected');
      return { socket, agentId: agent.id };
    };
    flooder = (await connect()).socket;
    const n = await connect();
    neighbour = n.socket;
    neighbourProbe = (await owner.http.post(`/workspaces/${ws}/agents/${n.agentId}/probes`, { type: 'PING', targets: ['192.0.2.1'] })).body.id;
  });
  afterAll(async () => {
    flooder?.close();
    neighbour?.close();
    jest.restoreAllMocks();
    await t?.close();
  });

  it('answers a burst of probe_get with a few dozen config fetches at most, says rate_limited about once a second, and serves the neighbour meanwhile', async () => {
    const fetches = jest.spyOn(t.app.get(AgentConfigService), 'configSet');
    const configs = collect<ProbeConfigSet>(flooder, 'probe_get');
    const errors = collect<SocketErrorMessage>(flooder, AgentEvents.Error);
    for (let i = 0; i < BURST; i++) flooder.emit('probe_get');
    // The neighbour's post is acked while the flood is being handled.
    const result = pingResult(neighbourProbe);
    const acked = nextEvent<ProbePostOk>(neighbour, 'probe_post_ok', 10_000);
    neighbour.emit('probe_post', result as never);
    expect((await acked).ids).toEqual([result.id]);

    await waitUntil('the flood to be answered', () => configs.length >= 1 && errors.length >= 1, { diag: () => `configs ${configs.length}, errors ${JSON.stringify(errors.slice(0, 3))}, connected ${flooder.connected}, fetches ${fetches.mock.calls.length}` });
    // A sentinel after the flood: once its answer is here, everything before it was handled.
    await waitUntil('a probe_get admitted again after the refill', async () => {
      const before = configs.length;
      flooder.emit('probe_get');
      return waitUntil('its answer', () => configs.length > before, { timeoutMs: 300 }).then(() => true, () => false);
    }, { timeoutMs: 10_000, everyMs: 200 });
    // Admitted: the burst of 20 plus 10 a second while the flood lasts, and coalesced on top.
    expect(fetches.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(fetches.mock.calls.length).toBeLessThan(100);
    expect(configs.length).toBeLessThan(100);
    expect(errors.every((e) => e.code === 'rate_limited' && e.event === 'probe_get' && (e.retry_after_ms ?? 0) > 0)).toBe(true);
    expect(errors.length).toBeLessThanOrEqual(15);
    expect(flooder.connected).toBe(true);
  });

  it('stores a repeated version once and still answers it', async () => {
    const writes = jest.spyOn(t.app.get(AgentPresence), 'reportVersion');
    const replies = collect<{ ok: boolean }>(flooder, 'version');
    await waitUntil('a version message admitted', async () => {
      const before = replies.length;
      flooder.emit('version', { version: '9.9.9' });
      return waitUntil('its reply', () => replies.length > before, { timeoutMs: 300 }).then(() => true, () => false);
    }, { timeoutMs: 10_000, everyMs: 200 });
    for (let i = 0; i < BURST; i++) flooder.emit('version', { version: '9.9.9' });
    await waitUntil('a reply after the burst', async () => {
      const before = replies.length;
      flooder.emit('version', { version: '9.9.9' });
      return waitUntil('its reply', () => replies.length > before, { timeoutMs: 300 }).then(() => true, () => false);
    }, { timeoutMs: 10_000, everyMs: 200 });
    expect(writes).toHaveBeenCalledTimes(1);
    expect(replies.length).toBeLessThan(BURST);
  });
});
