import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http } from '../support/http';
import { waitUntil } from '@netwatcher/shared/testing';
import { ControllerProcess, requireBuild, startControllerProcess } from '../support/processes';

interface Row {
  id: string;
  target: string;
  rtt_avg_ms: number | null;
  loss_pct: number | null;
}

/** Processes whose command line mentions the data directory: the controller's agent child. */
function processesUsing(dataDir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dataDir) && line.includes('netwatcher-agent'));
}

/**
 * The README's first command, as it runs on a fresh machine: the controller on the embedded
 * default (PGlite + chDB, nothing to install) provisions an administrator, a "Local" workspace
 * and an agent, starts that agent, and its loopback PING results appear in the API. A second
 * start reuses all of it.
 */
describe('npm start: controller with its local agent on the embedded default', () => {
  let dataDir: string;
  let controller: ControllerProcess | undefined;

  beforeAll(() => {
    requireBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'nw-local-'));
  });

  afterAll(async () => {
    await controller?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ http: Http; credentials: string }> {
    controller = await startControllerProcess({ DATA_DIR: dataDir, PORT: '0', NW_LOCAL_AGENT: '1' });
    const file = join(dataDir, 'admin-credentials.txt');
    await waitUntil('admin-credentials.txt', async () => existsSync(file), { timeoutMs: 30_000 });
    const credentials = readFileSync(file, 'utf8');
    const [, email] = /email: (\S+)/.exec(credentials) ?? [];
    const [, password] = /password: (\S+)/.exec(credentials) ?? [];
    const login = await new Http(controller.url).post('/auth/login', { email, password });
    expect(login.status).toBe(200);
    return { http: new Http(controller.url, login.body.token), credentials };
  }

  async function localSetup(http: Http): Promise<{ workspaceId: number; agentId: number; pingProbeId: number }> {
    const workspaces = await http.get('/workspaces');
    expect(workspaces.body.data).toHaveLength(1);
    expect(workspaces.body.data[0]).toMatchObject({ name: 'Local' });
    const workspaceId = workspaces.body.data[0].id as number;
    const agents = await http.get(`/workspaces/${workspaceId}/agents`);
    expect(agents.body.data).toHaveLength(1);
    const agentId = agents.body.data[0].id as number;
    const probes = await http.get(`/workspaces/${workspaceId}/agents/${agentId}/probes`);
    const ping = (probes.body.data as { id: number; type: string; targets: string[] }[]).find((p) => p.type === 'PING');
    expect(ping?.targets).toEqual(['127.0.0.1']);
    return { workspaceId, agentId, pingProbeId: ping!.id };
  }

  async function pingRows(http: Http, workspaceId: number, probeId: number): Promise<Row[]> {
    const res = await http.get(`/workspaces/${workspaceId}/probe-data/find?probeId=${probeId}&limit=100`);
    expect(res.status).toBe(200);
    return res.body.data as Row[];
  }

  it('shows measured loopback results within seconds of the first start, from an agent it supervises', async () => {
    const { http } = await start();
    const { workspaceId, agentId, pingProbeId } = await localSetup(http);
    const rows = await waitUntil('a PING result from the local agent', async () => {
      const found = await pingRows(http, workspaceId, pingProbeId);
      return found.length > 0 ? found : undefined;
    }, { timeoutMs: 60_000 });
    expect(rows[0]).toMatchObject({ target: '127.0.0.1', loss_pct: 0 });
    expect(rows[0].rtt_avg_ms).toBeGreaterThan(0);
    const agent = await http.get(`/workspaces/${workspaceId}/agents/${agentId}`);
    expect(agent.body).toMatchObject({ online: true, initialized: true });
    expect(processesUsing(dataDir)).toHaveLength(1);
  });

  it('stops its agent with it and reuses everything on the next start', async () => {
    const before = readFileSync(join(dataDir, 'admin-credentials.txt'), 'utf8');
    await controller!.stop('SIGTERM', 15_000);
    // Nest closes the app, then re-raises SIGTERM on itself; SIGKILL would mean it hung.
    expect(controller!.child.signalCode).toBe('SIGTERM');
    await waitUntil('the local agent to exit with the controller', async () => processesUsing(dataDir).length === 0, { timeoutMs: 10_000 });

    const { http, credentials } = await start();
    expect(credentials).toBe(before);
    const { workspaceId, pingProbeId } = await localSetup(http);
    const earlier = new Set((await pingRows(http, workspaceId, pingProbeId)).map((r) => r.id));
    // The same agent, enrolled once, keeps measuring: a result that was not there before the restart.
    await waitUntil('a new result after the restart', async () => (await pingRows(http, workspaceId, pingProbeId)).some((r) => !earlier.has(r.id)), { timeoutMs: 60_000 });
    expect(processesUsing(dataDir)).toHaveLength(1);
  });
});
