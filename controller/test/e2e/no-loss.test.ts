import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { waitUntil } from '@netwatcher/shared/testing';
import { ControllerProcess, requireBuild, RunningProcess, startAgentProcess, startControllerProcess } from '../support/processes';
import { createTestDatabase } from '../support/test-app';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Every result id the agent produced, from its debug log ("result spooled"). */
function producedIds(agent: RunningProcess): string[] {
  const ids = new Set<string>();
  for (const line of agent.output().split('\n')) {
    if (!line.includes('result spooled')) continue;
    const id = (JSON.parse(line) as { result_id?: string }).result_id;
    if (id) ids.add(id);
  }
  return [...ids];
}

/**
 * The controller dies with SIGKILL while an agent is posting and comes back on the same port:
 * afterwards the stored results are exactly the agent's produced results, no more, no fewer.
 */
describe('no loss, no duplicates across a controller crash', () => {
  let dir: string;
  let db: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  let controller: ControllerProcess;
  let agent: RunningProcess;
  let owner: TestUser;
  let ws: number;
  let agentId: number;
  let probeIds: number[];

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-noloss-'));
    db = await createTestDatabase();
    env = { PORT: String(await freePort()), DATA_DIR: join(dir, 'data'), DATABASE_URL: db.url, JWT_SECRET: 'no-loss-test-secret-0123456789' };
    controller = await startControllerProcess(env);
    const http = new Http(controller.url);
    owner = await registerUser(http, 'owner');
    ws = (await createWorkspace(owner)).id;
    const created = await createAgent(owner, ws);
    agentId = created.agent.id;
    probeIds = [];
    for (let i = 1; i <= 10; i++) {
      const res = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, {
        type: 'PING', targets: [`127.0.0.${i}`], interval_sec: 5, timeout_sec: 3, count: 1,
      });
      expect(res.status).toBe(201);
      probeIds.push(res.body.id);
    }
    agent = startAgentProcess({
      controllerUrl: controller.url, workspaceId: ws, agentId, pin: created.pin,
      configFile: join(dir, 'agent.json'), dataDir: join(dir, 'spool'),
    });
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    await controller?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every stored result of the workspace, of every type (the default NETINFO/SYSINFO too). */
  async function storedIds(): Promise<string[]> {
    const res = await owner.http.get(`/workspaces/${ws}/probe-data/find?limit=10000`);
    expect(res.status).toBe(200);
    return res.body.data.map((r: { id: string }) => r.id);
  }

  it('stores exactly what the agent produced', async () => {
    await waitUntil('the first results', async () => (await storedIds()).length >= 5, { timeoutMs: 90_000 });

    expect(controller.child.kill('SIGKILL')).toBe(true);
    await controller.stop();
    const producedBeforeOutage = producedIds(agent).length;
    // The agent keeps measuring into its spool while the controller is down.
    await waitUntil('results produced during the outage', async () => producedIds(agent).length >= producedBeforeOutage + 5, { timeoutMs: 60_000 });

    controller = await startControllerProcess(env);
    // Stop producing (config push disables every probe), then let the spool drain.
    for (const id of probeIds) {
      expect((await owner.http.patch(`/workspaces/${ws}/agents/${agentId}/probes/${id}`, { enabled: false })).status).toBe(200);
    }
    await waitUntil('the stored results to match the produced ones', async () => {
      const ids = producedIds(agent);
      return (await storedIds()).length === ids.length && ids.length > 0;
    }, { timeoutMs: 120_000 });
    // A run that was in flight when its probe was disabled still reports. A graceful stop is the
    // sentinel: the agent lets running probes finish, waits for their acks, then exits, so after
    // the exit it can produce nothing more and everything it produced has been acked (stored).
    expect(await agent.stop('SIGTERM', 30_000)).toBe(0);
    expect(agent.output()).not.toMatch(/some results are not acked yet/);

    const produced = producedIds(agent);
    const stored = await storedIds();
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort()).toEqual([...produced].sort());
    expect(agent.output()).toMatch(/disconnected from the controller/);
  }, 360_000);
});
