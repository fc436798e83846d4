import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canUseNetns, createLinearTopology, LinearTopology, LinkImpairment } from '../fixtures';
import { createAgent } from './agents';
import { createWorkspace, registerUser, TestUser } from './factories';
import { Http } from './http';
import { ControllerProcess, requireBuild, RunningProcess, Spawner, startAgentProcess, startControllerProcess } from './processes';

/** Inside the agent's namespace the controller has the port space to itself. */
const CONTROLLER_PORT = 18080;

/**
 * The built controller (embedded storage) and the real agent, both on the agent host of a linear
 * test network (agent ── r1 ── r2 ── target), with an owner, a workspace and the enrolled agent.
 * The test process reaches the controller through a bridge into the namespace.
 */
export interface AgentHostStack {
  topo: LinearTopology;
  controller: ControllerProcess;
  agent: RunningProcess;
  owner: TestUser;
  ws: number;
  agentId: number;
  destroy(): Promise<void>;
}

export async function startAgentHostStack(name: string, impairments: LinkImpairment[]): Promise<AgentHostStack> {
  requireBuild();
  const unusable = await canUseNetns();
  if (unusable) throw new Error(`network namespaces are required for this test: ${unusable}`);
  const dir = mkdtempSync(join(tmpdir(), `nw-${name}-`));
  const parts: Partial<AgentHostStack> = {};
  const destroy = async () => {
    await parts.agent?.stop();
    await parts.controller?.stop();
    await parts.topo?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const topo = (parts.topo = await createLinearTopology({ impairments }));
    const inAgentHost: Spawner = (cmd, args, opts) => topo.spawn('agent', cmd, args, opts);
    const controller = (parts.controller = await startControllerProcess(
      { PORT: String(CONTROLLER_PORT), DATA_DIR: join(dir, 'data'), JWT_SECRET: `${name}-test-secret-0123456789` },
      inAgentHost,
    ));
    const bridge = await topo.expose('agent', CONTROLLER_PORT);
    const owner = await registerUser(new Http(bridge.url), 'owner');
    const ws = (await createWorkspace(owner)).id;
    const created = await createAgent(owner, ws);
    const agent = (parts.agent = startAgentProcess(
      { controllerUrl: controller.url, workspaceId: ws, agentId: created.agent.id, pin: created.pin, configFile: join(dir, 'agent.json'), dataDir: join(dir, 'spool') },
      inAgentHost,
    ));
    return { topo, controller, agent, owner, ws, agentId: created.agent.id, destroy };
  } catch (e) {
    await destroy();
    throw e;
  }
}
