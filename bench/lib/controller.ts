import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitUntil } from '@netwatcher/shared/testing';
import { CONTROLLER_MAIN, REPO_ROOT } from './paths';

export interface ControllerProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** The controller's stderr/stdout, for the report when something fails. */
  logFile: string;
  stop(): Promise<void>;
}

export interface ControllerOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof for a profiled run. */
  nodeArgs?: string[];
  logLevel?: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const state = await waitUntil(
    'the controller to answer /readyz',
    async () => {
      // A controller that died will never become ready: stop waiting at once.
      if (child.exitCode !== null) return 'exited';
      return (await fetch(`${url}/readyz`)).ok && 'ready';
    },
    { timeoutMs, everyMs: 200 },
  );
  if (state === 'exited') throw new Error(`controller exited with code ${child.exitCode} during start-up`);
}

/**
 * The real controller (`node controller/dist/main.js`) on the embedded default (PGlite + chDB in
 * `dataDir`), on a free loopback port, as a child process of its own so its CPU and memory can
 * be read from /proc. The file-descriptor limit is raised to the hard limit first: thousands of
 * agent sockets need thousands of descriptors.
 */
export async function startController(opts: ControllerOptions): Promise<ControllerProcess> {
  // NW_BENCH_CONTROLLER_MAIN runs another build (e.g. a patched copy of controller/dist) for before/after figures.
  const main = process.env.NW_BENCH_CONTROLLER_MAIN ?? CONTROLLER_MAIN;
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build`);
  const port = await freePort();
  mkdirSync(opts.dataDir, { recursive: true });
  const logFile = join(opts.dataDir, `controller-${port}.log`);
  const log = createWriteStream(logFile);
  const node = [process.execPath, ...(opts.nodeArgs ?? []), main].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" && exec ${node}`], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: opts.dataDir,
      NW_LOCAL_AGENT: '0',
      REGISTRATION: 'open',
      LOG_LEVEL: opts.logLevel ?? 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitHealthy(url, child, 60_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}; log: ${logFile}`);
  }
  return {
    url,
    pid: child.pid as number,
    dataDir: opts.dataDir,
    logFile,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      log.end();
    },
  };
}
