import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeResult } from '@netwatcher/shared';
import { FakeController, pingProbe } from './support/fake-controller';
import { waitUntil } from '@netwatcher/shared/testing';
import { assertBuilt, exitWithin, startAgent, type AgentProcess } from './support/agent-process';

// The real built CLI (`node agent/bin/netwatcher-agent.js`) against an in-test controller that
// speaks the shared protocol. Real processes, real sockets, real ping toward 127.0.0.1.

const PIN = '123456789';
const AGENT_VERSION = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
let server: FakeController;
const running: AgentProcess[] = [];

function agent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const a = startAgent(args, env);
  running.push(a);
  return a;
}

function runArgs(extra: string[] = []): string[] {
  return ['run', '--controller', server.url, '--workspace', '1', '--agent', '10', '--config', join(dir, 'agent.json'), ...extra];
}

function writeEnrolledConfig(): void {
  writeFileSync(
    join(dir, 'agent.json'),
    JSON.stringify({ controller: server.url, workspace_id: 1, agent_id: 10, psk: server.psk }),
    { mode: 0o600 },
  );
}

const idsOf = (probeId?: number): string[] =>
  server.received.filter((r) => probeId === undefined || r.result.probe_id === probeId).map((r) => r.result.id);

beforeAll(() => assertBuilt());

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nw-agent-it-'));
  server = new FakeController();
  await server.start();
});

afterEach(async () => {
  for (const a of running.splice(0)) if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('netwatcher-agent run against a controller speaking the shared protocol', () => {
  it('enrolls with the PIN, saves a 0600 config with the PSK, streams valid results; the next run uses the PSK', async () => {
    server.enroll = (body) =>
      body.pin === PIN && body.workspace_id === 1 && body.agent_id === 10
        ? { status: 200, body: { status: 'success', psk: server.psk, agent: { id: 10 } } }
        : { status: 401, body: { error: 'invalid PIN' } };
    const first = agent(runArgs(['--pin', PIN]));
    await waitUntil('a PING result', () => idsOf(1).length >= 1, { timeoutMs: 10_000, diag: first.stderr });

    const config = join(dir, 'agent.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ controller: server.url, workspace_id: 1, agent_id: 10, psk: server.psk });
    expect(server.enrollRequests).toEqual([{ workspace_id: 1, agent_id: 10, pin: PIN }]);
    expect(server.handshakes.at(-1)!.headers).toMatchObject({ 'x-workspace-id': '1', 'x-agent-id': '10', 'x-agent-psk': server.psk });
    expect(server.handshakes.at(-1)!.auth).toEqual({ workspace_id: 1, agent_id: 10, psk: server.psk });
    expect(server.versions).toContain(AGENT_VERSION);

    const r = server.received[0].result;
    expect(ProbeResult.parse(r)).toEqual(r);
    expect(r).toMatchObject({ probe_id: 1, type: 'PING', target: '127.0.0.1', target_agent: 0 });
    expect(r.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(r.type === 'PING' && r.payload).toMatchObject({ sent: 1, received: 1, loss_pct: 0, address: '127.0.0.1' });
    expect(server.invalid).toEqual([]);

    first.proc.kill('SIGTERM');
    expect((await exitWithin(first, 10_000)).code).toBe(0);
    expect(first.stderr()).not.toContain(server.psk);
    expect(first.stderr()).not.toContain(PIN);

    // Second run: no PIN, ids and controller from the file; no enrollment, the PSK opens the socket.
    const handshakesBefore = server.handshakes.length;
    const resultsBefore = server.received.length;
    const second = agent(['run', '--config', config]);
    await waitUntil('results from the second run', () => server.received.length > resultsBefore, { timeoutMs: 10_000, diag: second.stderr });
    expect(server.enrollRequests).toHaveLength(1);
    expect(server.handshakes.length).toBeGreaterThan(handshakesBefore);
    second.proc.kill('SIGINT');
    expect((await exitWithin(second, 10_000)).code).toBe(0);
    expect(second.stderr()).not.toContain(server.psk);
  });

  it('exits 4 with a clear message on a wrong PIN and writes no config', async () => {
    server.enroll = () => ({ status: 401, body: { error: 'invalid or expired PIN' } });
    const a = agent(runArgs(['--pin', '000000000']));
    expect((await exitWithin(a, 10_000)).code).toBe(4);
    expect(a.stderr()).toContain('enrollment refused (HTTP 401: invalid or expired PIN)');
    expect(a.stderr()).toContain('issue a new PIN');
    expect(a.stderr()).not.toContain('000000000');
    expect(existsSync(join(dir, 'agent.json'))).toBe(false);
  });

  it('exits 3 without retrying when the controller says the agent is gone (410)', async () => {
    server.enroll = () => ({ status: 410, body: { error: 'agent deleted' } });
    const a = agent(runArgs(['--pin', PIN]));
    expect((await exitWithin(a, 10_000)).code).toBe(3);
    expect(server.enrollRequests).toHaveLength(1);
    expect(a.stderr()).toContain('deleted on the controller (HTTP 410: agent deleted)');
  });

  it('exits 5 and prints Retry-After when the PIN is locked (429)', async () => {
    server.enroll = () => ({ status: 429, body: { error: 'too many attempts' }, headers: { 'Retry-After': '240' } });
    const a = agent(runArgs(['--pin', PIN]));
    expect((await exitWithin(a, 10_000)).code).toBe(5);
    expect(a.stderr()).toContain('retry after 240 s');
  });

  it('exits 3 on the socket refusal "gone" and 4 on "unauthorized"', async () => {
    writeEnrolledConfig();
    server.refusal = { code: 'gone', status: 410, error: 'agent deleted' };
    const gone = agent(runArgs());
    expect((await exitWithin(gone, 10_000)).code).toBe(3);
    expect(server.handshakes).toHaveLength(1);

    server.refusal = { code: 'unauthorized', status: 401, error: 'invalid PSK' };
    const denied = agent(runArgs());
    expect((await exitWithin(denied, 10_000)).code).toBe(4);
    expect(denied.stderr()).toContain('the controller refused the PSK (invalid PSK)');
  });

  it('keeps retrying an unreachable controller with backoff until it comes up', async () => {
    // A port nobody listens on yet: connection refused.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await server.stop();
    server = new FakeController();
    server.enroll = () => ({ status: 200, body: { status: 'success', psk: server.psk } });
    const a = agent(['run', '--controller', `http://127.0.0.1:${port}`, '--workspace', '1', '--agent', '10', '--pin', PIN, '--config', join(dir, 'agent.json')]);
    const retries = (): Record<string, unknown>[] => a.logs().filter((l) => l.msg === 'enrollment failed; retrying');
    await waitUntil('two failed enrollment attempts', () => retries().length >= 2, { timeoutMs: 10_000, diag: a.stderr });
    expect(String(retries()[0].reason)).toContain('ECONNREFUSED');
    const [d1, d2] = retries().map((l) => Number(l.retry_in_ms));
    expect(d1).toBeGreaterThanOrEqual(800);
    expect(d1).toBeLessThanOrEqual(1200);
    expect(d2).toBeGreaterThanOrEqual(1600);
    expect(d2).toBeLessThanOrEqual(2400);

    await server.start(port);
    await waitUntil('results after the controller came up', () => server.received.length >= 1, { timeoutMs: 15_000, diag: a.stderr });
    expect(server.enrollRequests).toHaveLength(1);
  });

  it('applies a pushed probe_get within a second: the new probe runs, the removed one stops', async () => {
    writeEnrolledConfig();
    const a = agent(runArgs());
    await waitUntil('a result of probe 1', () => idsOf(1).length >= 1, { timeoutMs: 10_000, diag: a.stderr });
    const pushedAt = Date.now();
    server.push({ probes: [pingProbe(2)], revision: 'r2' });
    await waitUntil('a result of the pushed probe 2', () => idsOf(2).length >= 1, { timeoutMs: 5000, diag: a.stderr });
    const firstOf2 = server.received.find((r) => r.result.probe_id === 2)!;
    expect(Date.parse(firstOf2.result.created_at) - pushedAt).toBeLessThan(1500);
    // Sentinel: the agent sends its spool oldest first, so once a probe 2 result measured a
    // whole probe-1 interval past the cut-off has arrived, any probe 1 run started after the cut-off has too.
    await waitUntil(
      'a probe 2 result measured 2 s after the push',
      () => server.received.some((r) => r.result.probe_id === 2 && Date.parse(r.result.created_at) > pushedAt + 2000),
      { timeoutMs: 5000, diag: a.stderr },
    );
    // A run of probe 1 already going at the push may still finish; none may start after it.
    const lateProbe1 = server.received.filter((r) => r.result.probe_id === 1 && Date.parse(r.result.created_at) > pushedAt + 1000);
    expect(lateProbe1).toEqual([]);
  });

  it('loses nothing across a controller restart', async () => {
    writeEnrolledConfig();
    const a = agent(runArgs(), { NW_LOG_LEVEL: 'debug' });
    await waitUntil('first result', () => server.received.length >= 1, { timeoutMs: 10_000, diag: a.stderr });
    const port = server.port;
    const down = Date.now();
    const before = server.received;
    await server.stop();
    // The agent says when it has noticed the outage and when it has measured into the spool since.
    const spooledSinceDisconnect = (): number => {
      const logs = a.logs();
      const disconnected = logs.findIndex((l) => l.msg === 'disconnected from the controller');
      return disconnected < 0 ? 0 : logs.slice(disconnected).filter((l) => l.msg === 'result spooled').length;
    };
    await waitUntil('two results spooled during the outage', () => spooledSinceDisconnect() >= 2, { timeoutMs: 10_000, diag: a.stderr });
    const up = Date.now();
    const restarted = new FakeController();
    await restarted.start(port);
    const old = server;
    server = restarted;
    // Measurements made while the controller was down arrive after it is back.
    await waitUntil(
      'a result measured during the outage',
      () => server.received.some((r) => Date.parse(r.result.created_at) > down + 500 && Date.parse(r.result.created_at) < up),
      { timeoutMs: 15_000, diag: a.stderr },
    );
    expect(old.invalid).toEqual([]);
    expect(before.length).toBeGreaterThanOrEqual(1);
  });

  it('re-sends unacked results with the same ids after the agent is SIGKILLed and restarted', async () => {
    writeEnrolledConfig();
    server.acking = false;
    const a = agent(runArgs());
    await waitUntil('three unacked results', () => server.received.length >= 3, { timeoutMs: 15_000, diag: a.stderr });
    const unacked = [...new Set(idsOf())];
    a.proc.kill('SIGKILL');
    await exitWithin(a, 5000);

    server.acking = true;
    const seenBefore = server.received.length;
    const b = agent(runArgs());
    await waitUntil(
      'every unacked id delivered again',
      () => unacked.every((id) => server.received.slice(seenBefore).some((r) => r.result.id === id)),
      { timeoutMs: 10_000, diag: b.stderr },
    );
    expect(b.logs().some((l) => l.msg === 'spool reopened with unacked results' && Number(l.pending) >= unacked.length)).toBe(true);
    b.proc.kill('SIGTERM');
    expect((await exitWithin(b, 10_000)).code).toBe(0);
  });
});

describe('netwatcher-agent usage', () => {
  it('exits 2 with every problem listed for a bad configuration', async () => {
    const a = agent(['run', '--controller', 'ftp://x', '--workspace', 'abc', '--config', join(dir, 'agent.json')]);
    expect((await exitWithin(a, 10_000)).code).toBe(2);
    expect(a.stderr()).toContain('--controller: controller URL must use http or https');
    expect(a.stderr()).toContain('--workspace: workspace id must be a positive integer, got "abc"');
    expect(a.stderr()).toContain('missing agent: pass --agent, set NW_AGENT_ID');
  });

  it('exits 2 when not enrolled and no PIN is given; env vars count like flags', async () => {
    const a = agent(['run', '--config', join(dir, 'agent.json')], { NW_CONTROLLER_URL: server.url, NW_WORKSPACE_ID: '1', NW_AGENT_ID: '10' });
    expect((await exitWithin(a, 10_000)).code).toBe(2);
    expect(a.stderr()).toContain('not enrolled');
    expect(server.enrollRequests).toEqual([]);
  });

  it('prints help with exit codes and 0, and a payload for `probe ping`', async () => {
    const help = agent(['run', '--help']);
    expect((await exitWithin(help, 10_000)).code).toBe(0);
    expect(help.stdout()).toContain('NW_CONTROLLER_URL');
    expect(help.stdout()).toContain('5  PIN locked');
    const probe = agent(['probe', 'ping', '127.0.0.1', '--count', '1', '--timeout', '3']);
    expect((await exitWithin(probe, 10_000)).code).toBe(0);
    expect(JSON.parse(probe.stdout())).toMatchObject({ target: '127.0.0.1', sent: 1, received: 1 });
  });
});
