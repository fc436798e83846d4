import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { ProbeConfigSet } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { buildDelayHelper, canUseNetns, createLinearTopology, LinearTopology, waitForLine } from '../fixtures';
import { createAgent, enroll } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { ControllerProcess, requireBuild, RunningProcess, Spawner, startAgentProcess, startControllerProcess } from '../support/processes';
import { agentSocket, connectOutcome, nextEvent } from '../support/sockets';

const CONTROLLER_PORT = 18080;
const PORT = 47_000;
const RATE = 50;
const DURATION = 4;
const SENT = RATE * DURATION;
const ONE_WAY_DELAY_MS = 40;
/** Every 10th client packet dropped on the way to the server (the first included). */
const LOSS_EVERY = 10;
/** Every 20th packet out of r2 toward the client cloned (iptables TEE), the first included. */
const DUP_EVERY = 20;
/** Answers 5, 35, 65 … held 300 ms on the way back: at 50 packets/s, the next ones overtake each (even after a stall of the sender). */
const REORDER_EVERY = 30;
const REORDER_HOLD_MS = 300;
const CODEC = resolve(__dirname, '../../../agent/dist/probes/trafficsim/trafficsim.codec.js');

/**
 * TRAFFICSIM on real links: the client agent on the agent host, the server agent on the target
 * host, the controller (embedded storage) on the agent host. Deterministic impairments on the
 * flow's UDP packets only (the agents' controller traffic is untouched): loss and a constant delay
 * client → server on r1, duplicated and reordered answers server → client on r2. The stored
 * result must report exactly what was injected, per direction; afterwards a forged, a replayed,
 * a stale and a wrong-key packet sent by the test get no answer, while valid ones do.
 */
describe('TRAFFICSIM truth on real links', () => {
  let topo: LinearTopology;
  let controller: ControllerProcess | undefined;
  const agents: RunningProcess[] = [];
  let dir: string;
  let owner: TestUser;
  let ws: number;
  let clientId: number;
  let serverId: number;
  let serverAgent: RunningProcess;
  let bridgeUrl: string;

  beforeAll(async () => {
    requireBuild();
    const unusable = await canUseNetns();
    if (unusable) throw new Error(`network namespaces are required for this test: ${unusable}`);
    dir = mkdtempSync(join(tmpdir(), 'nw-trafficsim-'));
    topo = await createLinearTopology({});
    const inAgentHost: Spawner = (cmd, args, opts) => topo.spawn('agent', cmd, args, opts);
    const inTarget: Spawner = (cmd, args, opts) => topo.spawn('target', cmd, args, opts);
    // Listening on every address of the agent host, so the server agent reaches it across the routers.
    controller = await startControllerProcess(
      { PORT: String(CONTROLLER_PORT), HOST: '0.0.0.0', DATA_DIR: join(dir, 'data'), JWT_SECRET: 'trafficsim-test-secret-0123456789' },
      inAgentHost,
    );
    const bridge = await topo.expose('agent', CONTROLLER_PORT);
    bridgeUrl = bridge.url;
    owner = await registerUser(new Http(bridge.url), 'owner');
    ws = (await createWorkspace(owner)).id;
    const server = await createAgent(owner, ws, { public_ip_override: topo.targetAddress });
    const client = await createAgent(owner, ws);
    serverId = server.agent.id;
    clientId = client.agent.id;
    serverAgent = startAgentProcess(
      { controllerUrl: `http://${topo.agentAddress}:${CONTROLLER_PORT}`, workspaceId: ws, agentId: serverId, pin: server.pin, configFile: join(dir, 'server.json'), dataDir: join(dir, 'server-spool') },
      inTarget,
    );
    agents.push(serverAgent);
    agents.push(
      startAgentProcess(
        { controllerUrl: controller.url, workspaceId: ws, agentId: clientId, pin: client.pin, configFile: join(dir, 'client.json'), dataDir: join(dir, 'client-spool') },
        inAgentHost,
      ),
    );
    const created = await owner.http.post(`/workspaces/${ws}/agents/${serverId}/probes`, { type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { port: PORT } } });
    expect(created.status).toBe(201);
    await waitUntil('the server agent listens', () => /TRAFFICSIM server listening/.test(serverAgent.output()), { timeoutMs: 60_000, everyMs: 200 });
  }, 180_000);

  afterAll(async () => {
    for (const a of agents) await a.stop();
    await controller?.stop();
    await topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function holdHelper(router: 'r1' | 'r2', queue: number, ms: number): Promise<ChildProcess> {
    const helper = topo.spawn(router, await buildDelayHelper(), [String(queue), String(ms), '--watch-stdin']);
    await waitForLine(helper, /^ready$/);
    return helper;
  }

  async function iptables(router: 'r1' | 'r2', args: string[]): Promise<void> {
    const res = await topo.exec(router, 'iptables', ['-w', ...args]);
    if (res.code !== 0) throw new Error(`iptables ${args.join(' ')} on ${router}: ${res.stderr}`);
  }

  it('reports exactly the injected loss, duplicates and reordering, and the injected delay', async () => {
    const nth = (every: number, packet = 0) => ['-m', 'statistic', '--mode', 'nth', '--every', String(every), '--packet', String(packet)];
    const toServer = ['-p', 'udp', '--dport', String(PORT)];
    const fromServer = ['-p', 'udp', '--sport', String(PORT)];
    // r1 eth1 leads to r2 (client → server): drop first, then hold the rest.
    await holdHelper('r1', 1, ONE_WAY_DELAY_MS);
    await iptables('r1', ['-A', 'FORWARD', '-o', 'eth1', ...toServer, ...nth(LOSS_EVERY), '-j', 'DROP']);
    await iptables('r1', ['-A', 'FORWARD', '-o', 'eth1', ...toServer, '-j', 'NFQUEUE', '--queue-num', '1', '--queue-bypass']);
    // r2 eth0 leads to r1 (answers): hold some, then duplicate some toward r1 (10.231.2.1).
    await holdHelper('r2', 0, REORDER_HOLD_MS);
    await iptables('r2', ['-A', 'FORWARD', '-o', 'eth0', ...fromServer, ...nth(REORDER_EVERY, 5), '-j', 'NFQUEUE', '--queue-num', '0', '--queue-bypass']);
    await iptables('r2', ['-t', 'mangle', '-A', 'POSTROUTING', '-o', 'eth0', ...fromServer, ...nth(DUP_EVERY), '-j', 'TEE', '--gateway', topo.addresses.r1[1]]);

    // Created disabled, so the server holds the pair key before the first packet is sent.
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${clientId}/probes`, {
      type: 'TRAFFICSIM', agent_targets: [serverId], enabled: false, duration_sec: DURATION, timeout_sec: 5, interval_sec: 300,
      metadata: { trafficsim: { rate_pps: RATE, packet_size: 200 } },
    });
    expect(probe.status).toBe(201);
    await waitUntil('the server holds the client key', () => /"clients":1,"msg":"TRAFFICSIM server keys"/.test(serverAgent.output()), { timeoutMs: 30_000, everyMs: 200 });
    expect((await owner.http.patch(`/workspaces/${ws}/agents/${clientId}/probes/${probe.body.id}`, { enabled: true })).status).toBe(200);

    const result = await waitUntil('a TRAFFICSIM result', async () => {
      const res = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${probe.body.id}/data?limit=1`);
      return res.body.data?.[0];
    }, { timeoutMs: 90_000, everyMs: 1000 });
    const p = result.payload;
    const lost = SENT / LOSS_EVERY;
    const answered = SENT - lost;
    // The clone passes POSTROUTING too (nf_dup_ipv4 sends it through ip_local_out) and counts in the
    // nth match without being cloned again, so every 20th packet there is a clone of the one before:
    // answers 0, 19, 38 … are duplicated.
    const duplicated = Math.ceil(answered / (DUP_EVERY - 1));
    const reordered = Math.ceil((answered - 5) / REORDER_EVERY);
    expect(p).toMatchObject({ target: `${topo.targetAddress}:${PORT}`, peer_agent_id: serverId, rate_pps: RATE, packet_size: 200, duration_sec: DURATION });
    // Round trip, as the client saw it.
    expect(p).toMatchObject({ sent: SENT, received: answered, loss_pct: 10, duplicates: duplicated, out_of_order: reordered });
    // Client → server, as the server counted it: the loss, and nothing duplicated or reordered.
    expect(p.upstream).toMatchObject({ sent: SENT, received: answered, loss_pct: 10, duplicates: 0, out_of_order: 0 });
    // Server → client: every answer arrived, some twice, some late.
    expect(p.downstream).toMatchObject({ sent: answered, received: answered, loss_pct: 0, duplicates: duplicated, out_of_order: reordered });
    // The delay is one way, so every round trip is at least that; the held answers are the slowest.
    expect(p.rtt_min_ms).toBeGreaterThanOrEqual(ONE_WAY_DELAY_MS);
    expect(p.rtt_max_ms).toBeGreaterThanOrEqual(ONE_WAY_DELAY_MS + REORDER_HOLD_MS);
    expect(p.rtt_avg_ms).toBeGreaterThan(ONE_WAY_DELAY_MS);
    expect(p.rtt_avg_ms).toBeLessThan(ONE_WAY_DELAY_MS + 25);
    // The typed columns come from the round trip; MOS from the worse direction (10 % loss: ≈ 3.4).
    expect(result).toMatchObject({ loss_pct: 10, rtt_avg_ms: p.rtt_avg_ms, jitter_ms: p.jitter_ms });
    expect(p.mos).toBe(Math.min(p.upstream.mos, p.downstream.mos));
    expect(p.upstream.mos).toBeGreaterThan(3.0);
    expect(p.upstream.mos).toBeLessThan(3.5);
    // Charted as PING is: the run's bucket holds its loss and round-trip times.
    const chart = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${probe.body.id}/chart`);
    expect(chart.status).toBe(200);
    expect(chart.body.type).toBe('TRAFFICSIM');
    expect(chart.body.data.filter((b: { samples: number }) => b.samples > 0)).toEqual([
      expect.objectContaining({ samples: 1, loss_pct: 10, rtt_min_ms: p.rtt_min_ms, rtt_max_ms: p.rtt_max_ms }),
    ]);
    await owner.http.patch(`/workspaces/${ws}/agents/${clientId}/probes/${probe.body.id}`, { enabled: false });
  }, 150_000);

  it('answers valid packets only: a forged, replayed, stale or wrong-key packet gets nothing', async () => {
    for (const router of ['r1', 'r2'] as const) {
      await iptables(router, ['-F', 'FORWARD']);
      await iptables(router, ['-t', 'mangle', '-F', 'POSTROUTING']);
    }
    // The test enrolls an agent of its own to learn a pair key the way agents do: in probe_get.
    const own = await createAgent(owner, ws);
    const psk = await enroll(new Http(bridgeUrl), ws, own.agent.id, own.pin);
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${own.agent.id}/probes`, { type: 'TRAFFICSIM', agent_targets: [serverId], enabled: false });
    expect(probe.status).toBe(201);
    const socket = agentSocket(bridgeUrl, { workspaceId: ws, agentId: own.agent.id, psk });
    try {
      expect(await connectOutcome(socket)).toBe('connected');
      const reply = nextEvent<ProbeConfigSet>(socket, 'probe_get');
      socket.emit('probe_get');
      const peer = (await reply).probes.find((c) => c.id === probe.body.id)?.trafficsim?.peer;
      expect(peer).toMatchObject({ address: topo.targetAddress, port: PORT });
      await waitUntil('the server holds the new key', () => /"clients":2,"msg":"TRAFFICSIM server keys"/.test(serverAgent.output()), { timeoutMs: 30_000, everyMs: 200 });

      const script = join(dir, 'attacker.js');
      writeFileSync(script, ATTACKER);
      const run = await topo.exec('agent', process.execPath, [script, CODEC, topo.targetAddress, String(PORT), String(peer?.key_id), String(peer?.key)], { timeoutMs: 60_000 });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ valid: true, replayed: false, forged: false, wrongKey: false, unknownKeyId: false, stale: false, validAfter: true });
    } finally {
      socket.disconnect();
    }
  }, 120_000);
});

/**
 * Run inside the agent host: sends packets built with the agent's own codec and reports which
 * got an answer. Valid packets first and last: the positive controls that the server answers.
 */
const ATTACKER = `
const dgram = require('node:dgram');
const { randomBytes } = require('node:crypto');
const [codecPath, host, port, keyId, keyB64] = process.argv.slice(2);
const { encodePacket, EMPTY_VIEW } = require(codecPath);
const key = Buffer.from(keyB64, 'base64');
const session = 1 + Math.floor(Math.random() * 1e9);
const sock = dgram.createSocket('udp4');
let answers = 0;
sock.on('message', () => answers++);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const packet = (seq, opts = {}) => encodePacket(
  { kind: 1, keyId: opts.keyId ?? Number(keyId), session, seq, clientTimeMs: opts.time ?? Date.now(), serverTimeMs: 0, server: EMPTY_VIEW },
  opts.key ?? key, 120);
async function answered(buf, waitMs) {
  const before = answers;
  sock.send(buf, Number(port), host);
  await sleep(waitMs);
  return answers > before;
}
(async () => {
  let seq = 0;
  let valid;
  let ok = false;
  while (!ok && seq < 20) { valid = packet(seq++); ok = await answered(valid, 500); }
  const forged = packet(seq++);
  forged[forged.length - 1] ^= 1;
  const result = {
    valid: ok,
    replayed: await answered(valid, 1500),
    forged: await answered(forged, 1500),
    wrongKey: await answered(packet(seq++, { key: randomBytes(32) }), 1500),
    unknownKeyId: await answered(packet(seq++, { keyId: 4000000000 }), 1500),
    stale: await answered(packet(seq++, { time: Date.now() - 120000 }), 1500),
    validAfter: await answered(packet(seq++), 1500),
  };
  sock.close();
  process.stdout.write(JSON.stringify(result));
})();
`;
