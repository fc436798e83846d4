import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@netwatcher/shared/testing';
import { canUseNetns, createLinearTopology, type LinearTopology } from '../fixtures';
import { createAgent } from '../support/agents';
import { createWorkspace, registerUser, type TestUser } from '../support/factories';
import { Http } from '../support/http';
import { type ControllerProcess, requireBuild, type RunningProcess, startAgentProcess, startControllerProcess } from '../support/processes';

/** The shaped rate, each way: tc tbf on r1 toward r2 (upload) and on r2 toward r1 (download). */
const RATE_MBIT = 20;
const CONTROLLER_PORT = 18080;

/**
 * Real links, real processes: the built controller runs on the far side of a linear network
 * (agent ── r1 ── r2 ── target, the controller on the target), the real agent on the agent host,
 * and the links between the routers are shaped with `tc qdisc … tbf rate 20mbit` in each
 * direction. A SPEEDTEST probe without targets tests against the agent's own controller, so its
 * traffic crosses both shaped links; the stored download and upload must be within ±10 % of the
 * shaped rate. (tbf counts IP packets, headers included: TCP payload tops out ~4 % below it.)
 */
describe('speed-test truth on shaped links', () => {
  let topo: LinearTopology;
  let controller: ControllerProcess;
  let agent: RunningProcess;
  let owner: TestUser;
  let ws: number;
  let agentId: number;
  let dir: string;

  beforeAll(async () => {
    requireBuild();
    const unusable = await canUseNetns();
    if (unusable) throw new Error(`network namespaces are required for this test: ${unusable}`);
    dir = mkdtempSync(join(tmpdir(), 'nw-speedtest-truth-'));
    const rateKbit = RATE_MBIT * 1000;
    topo = await createLinearTopology({
      impairments: [
        { router: 'r1', toward: 'r2', rateKbit },
        { router: 'r2', toward: 'r1', rateKbit },
      ],
    });
    controller = await startControllerProcess(
      { PORT: String(CONTROLLER_PORT), HOST: '0.0.0.0', DATA_DIR: join(dir, 'data'), JWT_SECRET: 'speedtest-truth-secret-0123456789' },
      (cmd, args, opts) => topo.spawn('target', cmd, args, opts),
    );
    const bridge = await topo.expose('target', CONTROLLER_PORT);
    owner = await registerUser(new Http(bridge.url), 'owner');
    ws = (await createWorkspace(owner)).id;
    const created = await createAgent(owner, ws);
    agentId = created.agent.id;
    agent = startAgentProcess(
      {
        controllerUrl: `http://${topo.targetAddress}:${CONTROLLER_PORT}`,
        workspaceId: ws,
        agentId,
        pin: created.pin,
        configFile: join(dir, 'agent.json'),
        dataDir: join(dir, 'spool'),
      },
      (cmd, args, opts) => topo.spawn('agent', cmd, args, opts),
    );
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    await controller?.stop();
    await topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`measures download and upload within ±10 % of a ${RATE_MBIT} Mbit/s tbf rate, and the queue's latency under load`, async () => {
    // A 30 s timeout plans the full 10 s per direction (2 s warm-up discarded).
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, { type: 'SPEEDTEST', interval_sec: 3600, timeout_sec: 30 });
    expect(probe.status).toBe(201);
    const result = await waitUntil('a stored SPEEDTEST result', async () => {
      const res = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${probe.body.id}/data?limit=1`);
      return res.body.data?.[0];
    }, { timeoutMs: 120_000, everyMs: 1000, diag: () => agent.output().slice(-3000) });
    const p = result.payload;
    expect(p.error).toBeUndefined();
    expect(p).toMatchObject({ server: `http://${topo.targetAddress}:${CONTROLLER_PORT}/agent/api/speedtest`, streams: 4, duration_ms: 10_000, warmup_ms: 2_000 });
    expect(p.download_mbps).toBeGreaterThanOrEqual(RATE_MBIT * 0.9);
    expect(p.download_mbps).toBeLessThanOrEqual(RATE_MBIT * 1.1);
    expect(p.upload_mbps).toBeGreaterThanOrEqual(RATE_MBIT * 0.9);
    expect(p.upload_mbps).toBeLessThanOrEqual(RATE_MBIT * 1.1);
    // The figures are the bytes of the measured window (warm-up excluded) over its length.
    // 10 s less the 2 s warm-up, give or take a sampling tick and a late timer.
    expect(p.download_duration_ms).toBeGreaterThan(7_500);
    expect(p.download_duration_ms).toBeLessThan(8_300);
    expect(p.download_mbps).toBeCloseTo((p.download_bytes * 8) / (p.download_duration_ms * 1000), 0);
    // Typed columns, as charts and alert rules read them.
    expect(result.download_mbps).toBe(p.download_mbps);
    expect(result.upload_mbps).toBe(p.upload_mbps);
    // Unshaped links answer a TCP handshake in well under a millisecond or two; under load the
    // handshake waits behind the tbf queue the streams keep full.
    expect(p.latency_idle_ms).toBeLessThan(5);
    expect(p.rtt_loaded_avg_ms).toBeGreaterThan(p.latency_idle_ms);
  }, 180_000);
});
