import { AgentEvents, PanelEvents, ProbeConfigSet, ProbePostOk, RunEvents, SocketErrorMessage } from '@netwatcher/shared';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { TimeSeriesStore } from '../../src/timeseries/timeseries.store';
import { createAgent, enroll } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { agentSocket, connectOutcome, panelSocket, pingResult } from '../support/sockets';
import { startTestApp, TestApp } from '../support/test-app';
import { dtoFieldNames, FUZZ_SEED, hostileJson, hostileString } from './arbitraries';
import { changedTables, snapshot, snapshotQuery } from './db-snapshot';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10);

/** Every event name of the protocol (both directions: a client may send any of them), and strangers. */
const EVENT_NAMES = [
  ...new Set([
    ...Object.values(AgentEvents),
    ...Object.values(PanelEvents),
    ...Object.values(RunEvents),
    'no_such_event',
    '__proto__',
    'constructor',
    'x'.repeat(300),
  ]),
];

interface Creds {
  workspaceId: number;
  agentId: number;
  psk: string;
}

/** The socket seen untyped: the fuzzer sends what no typed client could. */
type RawSocket = Socket;

/** The first of these events on the socket, with every listener and timer removed once it came. */
function firstOf(socket: RawSocket, events: string[], timeoutMs = 10_000): Promise<{ event: string; arg: unknown }> {
  return new Promise((resolve, reject) => {
    const handlers = events.map((event) => [event, (arg: unknown) => done({ event, arg })] as const);
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`none of ${events.join(', ')} within ${timeoutMs} ms`));
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      for (const [event, handler] of handlers) socket.off(event, handler);
    }
    function done(outcome: { event: string; arg: unknown }): void {
      cleanup();
      resolve(outcome);
    }
    for (const [event, handler] of handlers) socket.on(event, handler);
  });
}

/** Checks every message a fuzzed socket receives as it arrives: an error must be the documented shape, never an internal error. */
function watch(socket: RawSocket, problems: string[], name: string): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    if (event !== AgentEvents.Error) return;
    const err = args[0] as SocketErrorMessage;
    const documented = typeof err?.error === 'string' && typeof err.code === 'string';
    if (!documented) problems.push(`${name}: malformed error_message ${JSON.stringify(args).slice(0, 200)}`);
    else if (err.code === 'internal_error') problems.push(`${name}: internal_error for ${err.event}: ${err.error}`);
  });
}

/**
 * Property-based fuzzing of every socket event on /agent and /panel (issue 10, "Tests"):
 * hostile payloads never crash the controller, never disconnect another client, are answered
 * with a documented error or ignored (never `internal_error`), and store nothing.
 */
describe('socket fuzzing', () => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;
  let control: Creds;
  let fuzzed: Creds;
  let fuzzProbe: number;
  let controlAgent: RawSocket;
  let controlPanel: RawSocket;
  let db: DataSource;
  let snapshotSql: string;
  const problems: string[] = [];
  const open: RawSocket[] = [];

  async function enrolledAgent(): Promise<Creds> {
    const { agent, pin } = await createAgent(owner, ws);
    return { workspaceId: ws, agentId: agent.id, psk: await enroll(new Http(t.url), ws, agent.id, pin) };
  }

  async function connected(socket: RawSocket): Promise<RawSocket> {
    open.push(socket);
    const outcome = await connectOutcome(socket as never);
    if (outcome !== 'connected') throw new Error(`could not connect: ${JSON.stringify(outcome)}`);
    return socket;
  }

  const newAgentSocket = (creds: Creds) => connected(agentSocket(t.url, creds) as unknown as RawSocket);
  const newPanelSocket = () => connected(panelSocket(t.url, owner.token) as unknown as RawSocket);

  /** The controller still answers the clients that did nothing wrong, over the same connections. */
  async function othersUnharmed(): Promise<void> {
    expect(controlAgent.connected).toBe(true);
    expect(controlPanel.connected).toBe(true);
    // An empty post: a round trip through the ingest path that no per-socket rate limit drops
    // (the control agent asks for its config once, in beforeAll; probe_get is limited per socket).
    const answer = firstOf(controlAgent, [AgentEvents.ProbePostOk, AgentEvents.Error]);
    controlAgent.emit(AgentEvents.ProbePost, []);
    const { event, arg } = await answer;
    // Answered, and not as a failure of the controller (an empty batch may be refused as such).
    expect(event === AgentEvents.ProbePostOk || (arg as SocketErrorMessage).code === 'bad_request').toBe(true);
    const subscribed = firstOf(controlPanel, [PanelEvents.Subscribed]);
    controlPanel.emit(PanelEvents.Subscribe, { workspace_id: ws, probe_id: 0 });
    expect((await subscribed).arg).toEqual({ workspace_id: ws, probe_id: 0 });
    expect((await new Http(t.url).get('/healthz')).status).toBe(200);
  }

  /**
   * A round trip on the fuzzed socket itself: once its answer is back, the server has taken the
   * earlier messages of this socket (one socket is read in order). The agent's round trip is an
   * empty `probe_post`, which is never rate-limited (`probe_get` and `version` are, per socket,
   * and beyond the limit dropped without a word). A socket the server dropped (a message over the
   * size limit) is replaced; only the fuzzed socket may be dropped.
   */
  async function settle(
    socket: RawSocket,
    kind: 'agent' | 'panel',
    again: () => Promise<RawSocket>,
  ): Promise<RawSocket> {
    if (!socket.connected) return again();
    const replies = kind === 'agent' ? [AgentEvents.ProbePostOk, AgentEvents.Error] : [PanelEvents.Subscribed];
    const answer = firstOf(socket, [...replies, 'disconnect']);
    if (kind === 'agent') socket.emit(AgentEvents.ProbePost, []);
    else socket.emit(PanelEvents.Subscribe, { workspace_id: ws, probe_id: 0 });
    return (await answer).event === 'disconnect' ? again() : socket;
  }

  async function storedResults(): Promise<{ fuzzProbe: number; others: number }> {
    const rows = await t.app
      .get(TimeSeriesStore)
      .query<{ mine: string; others: string }>(
        'SELECT countIf(probe_id = {p:UInt32}) AS mine, countIf(probe_id != {p:UInt32}) AS others FROM probe_results FINAL',
        { p: fuzzProbe },
      );
    return { fuzzProbe: Number(rows[0].mine), others: Number(rows[0].others) };
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    db = t.app.get(DataSource);
    owner = await registerUser(new Http(t.url), 'socket-fuzz');
    ws = (await createWorkspace(owner, 'socket-fuzz')).id;
    control = await enrolledAgent();
    fuzzed = await enrolledAgent();
    fuzzProbe = (
      await owner.http.post(`/workspaces/${ws}/agents/${fuzzed.agentId}/probes`, {
        type: 'PING',
        targets: ['127.0.0.1'],
      })
    ).body.id;
    controlAgent = await newAgentSocket(control);
    const config = firstOf(controlAgent, [AgentEvents.ProbeGet]);
    controlAgent.emit(AgentEvents.ProbeGet);
    expect((await config).arg as ProbeConfigSet).toMatchObject({ probes: expect.any(Array) });
    controlPanel = await newPanelSocket();
    // Presence (last seen) and a well-formed `version` report are writes an agent may cause.
    snapshotSql = await snapshotQuery(db, ['last_seen_at', 'version', 'updated_at']);
  });

  afterAll(async () => {
    for (const s of open) s.disconnect();
    await t?.close();
  });

  it('survives hostile payloads for every event name on /agent and /panel', async () => {
    const fields = dtoFieldNames();
    const deep = JSON.parse('['.repeat(3000) + ']'.repeat(3000)) as unknown;
    const payloads = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.array(hostileJson([...fields, 'workspace_id', 'probe_id', 'version', 'id', 'type', 'payload']), {
          maxLength: 3,
        }),
      },
      { weight: 1, arbitrary: fc.constantFrom([deep], ['y'.repeat(1_100_000)], [], [undefined]) },
    );
    let agent = await newAgentSocket(fuzzed);
    let panel = await newPanelSocket();
    watch(agent, problems, '/agent');
    watch(panel, problems, '/panel');
    const before = await snapshot(db, snapshotSql);
    const storedBefore = await storedResults();

    for (const event of EVENT_NAMES) {
      await fc.assert(
        fc.asyncProperty(payloads, async (args) => {
          agent.emit(event, ...args);
          panel.emit(event, ...args);
          agent = await settle(agent, 'agent', async () => {
            const next = await newAgentSocket(fuzzed);
            watch(next, problems, '/agent');
            return next;
          });
          panel = await settle(panel, 'panel', async () => {
            const next = await newPanelSocket();
            watch(next, problems, '/panel');
            return next;
          });
        }),
        { seed: FUZZ_SEED, numRuns: RUNS },
      );
      await othersUnharmed();
    }

    expect(problems).toEqual([]);
    // Refused or ignored, every one: no result stored, no row changed (presence and version aside).
    expect(await storedResults()).toEqual(storedBefore);
    expect(changedTables(before, await snapshot(db, snapshotSql))).toEqual([]);
  }, 180_000);

  it('refuses hostile results in probe_post one by one, storing only what it acks', async () => {
    let agent = await newAgentSocket(fuzzed);
    watch(agent, problems, '/agent');
    const acked = new Set<string>();
    const outcomes = new Set<'stored' | 'refused'>();
    const storedOthers = (await storedResults()).others;
    // A real result of the fuzzed agent's probe with some fields replaced by hostile values.
    const fieldPaths = [
      'id',
      'probe_id',
      'type',
      'created_at',
      'target',
      'payload',
      'payload.sent',
      'payload.loss_pct',
      'payload.rtts_ms',
      'payload.rtt_avg_ms',
      'extra',
    ];
    const hostileResult = fc
      .tuple(
        fc.oneof(fc.constant([]), fc.subarray(fieldPaths, { minLength: 1, maxLength: 3 })),
        fc.array(hostileJson(['id', 'type']), { minLength: 3, maxLength: 3 }),
        fc.oneof({ weight: 3, arbitrary: fc.uuid({ version: 4 }) }, { weight: 1, arbitrary: hostileString }),
      )
      .map(([paths, values, id]) => {
        const result = pingResult(fuzzProbe, { id }) as unknown as Record<string, Record<string, unknown>>;
        paths.forEach((path, i) => {
          const [head, tail] = path.split('.');
          if (tail && typeof result[head] === 'object' && result[head] !== null)
            result[head][tail] = values[i] as never;
          else (result as Record<string, unknown>)[head] = values[i];
        });
        return result;
      });
    await fc.assert(
      fc.asyncProperty(fc.array(hostileResult, { minLength: 1, maxLength: 3 }), async (results) => {
        const reply = firstOf(agent, [AgentEvents.ProbePostOk, AgentEvents.Error]);
        agent.emit(AgentEvents.ProbePost, results);
        const { event, arg } = await reply;
        if (event === AgentEvents.ProbePostOk) {
          const ack = arg as ProbePostOk;
          for (const id of ack.ids) acked.add(id);
          if (ack.ids.length > 0) outcomes.add('stored');
          if (ack.rejected.length > 0) outcomes.add('refused');
        } else outcomes.add('refused');
        const stored = await storedResults();
        expect(stored).toEqual({ fuzzProbe: acked.size, others: storedOthers });
        if (!agent.connected) agent = await newAgentSocket(fuzzed);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS * 3 },
    );
    // The generator reaches both sides: results good enough to store, and refusals.
    expect([...outcomes].sort()).toEqual(['refused', 'stored']);
    expect(problems).toEqual([]);
    await othersUnharmed();
  }, 120_000);
});
