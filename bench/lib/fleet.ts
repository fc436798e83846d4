import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, createAgent, createProbe, createWorkspace, enrollAgent, login, registerUser } from './api';
import { mapLimit } from './concurrency';
import { ControllerProcess, startController } from './controller';
import { CACHE_DIR } from './paths';
import { round } from './stats';

/** Bump when the way a fleet is enrolled changes, so stale caches are rebuilt. */
const FLEET_VERSION = 1;

export interface FleetAgent {
  id: number;
  psk: string;
  /** The agent's one PING probe, created through the API. */
  probeId: number;
}

export interface Fleet {
  version: number;
  size: number;
  email: string;
  password: string;
  workspaceId: number;
  agents: FleetAgent[];
  created_at: string;
  /** Wall time of enrollment when the fleet was built (PIN hashing dominates: scrypt twice per agent). */
  enroll_seconds: number;
}

export interface OpenFleet {
  fleet: Fleet;
  /** The controller's DATA_DIR holding the fleet's Postgres (PGlite) state. */
  dataDir: string;
  reused: boolean;
}

const fleetDir = (size: number) => join(CACHE_DIR, `fleet-${size}`);

function readFleet(dir: string): Fleet | null {
  try {
    const fleet = JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8')) as Fleet;
    return fleet.version === FLEET_VERSION && existsSync(join(dir, 'data', 'pg')) ? fleet : null;
  } catch {
    return null;
  }
}

/** The smallest cached fleet with at least `size` agents. */
function findCached(size: number): { dir: string; fleet: Fleet } | null {
  if (!existsSync(CACHE_DIR)) return null;
  const candidates = readdirSync(CACHE_DIR)
    .map((name) => /^fleet-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= size)
    .map((m) => ({ dir: join(CACHE_DIR, m[0]), size: Number(m[1]) }))
    .sort((a, b) => a.size - b.size);
  for (const c of candidates) {
    const fleet = readFleet(c.dir);
    if (fleet) return { dir: c.dir, fleet };
  }
  return null;
}

/**
 * Enrolls `size` agents the way operators and agents do: POST /workspaces/{id}/agents (PIN),
 * POST /agent with the PIN (→ PSK), one PING probe each through the probes API.
 */
async function buildFleet(ctl: ControllerProcess, size: number, log: (m: string) => void): Promise<Fleet> {
  const anon = new Api(ctl.url);
  const user = await registerUser(anon, 'fleet');
  const api = anon.as(user.token);
  const workspaceId = await createWorkspace(api, 'bench-fleet');
  const started = performance.now();
  let done = 0;
  const agents = await mapLimit(
    Array.from({ length: size }, (_, i) => i),
    8,
    async (i): Promise<FleetAgent> => {
      const agent = await createAgent(api, workspaceId, `sim-${i + 1}`);
      const psk = await enrollAgent(anon, workspaceId, agent.id, agent.pin);
      const probeId = await createProbe(api, workspaceId, agent.id, { type: 'PING', targets: ['127.0.0.1'] });
      if (++done % 500 === 0) log(`enrolled ${done}/${size} agents`);
      return { id: agent.id, psk, probeId };
    },
  );
  return {
    version: FLEET_VERSION,
    size,
    email: user.email,
    password: user.password,
    workspaceId,
    agents,
    created_at: new Date().toISOString(),
    enroll_seconds: round((performance.now() - started) / 1000, 1),
  };
}

/**
 * A fleet of enrolled simulated agents, cached in bench/.cache between runs: enrolling costs two
 * scrypt PIN hashes per agent (by design: PINs are low-entropy), about 10 minutes for 5,000
 * agents on 2 cores. The time-series data is always fresh: the chDB directory is removed.
 */
export async function openFleet(size: number, opts: { fresh: boolean; log: (m: string) => void }): Promise<OpenFleet> {
  const cached = opts.fresh ? null : findCached(size);
  if (cached) {
    const dataDir = join(cached.dir, 'data');
    rmSync(join(dataDir, 'ch'), { recursive: true, force: true });
    return { fleet: cached.fleet, dataDir, reused: true };
  }
  const dir = fleetDir(size);
  rmSync(dir, { recursive: true, force: true });
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  opts.log(`enrolling a fleet of ${size} agents through the API (cached afterwards in ${dir})`);
  const ctl = await startController({ dataDir });
  try {
    const fleet = await buildFleet(ctl, size, opts.log);
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify(fleet));
    return { fleet, dataDir, reused: false };
  } finally {
    await ctl.stop();
    rmSync(join(dataDir, 'ch'), { recursive: true, force: true });
  }
}

/** A fresh JWT for the fleet's owner. */
export function fleetToken(ctl: ControllerProcess, fleet: Fleet): Promise<string> {
  return login(new Api(ctl.url), fleet.email, fleet.password);
}
