import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from './exit-cleanup';
import { inNamespace, stopChild, waitForLine } from './process';

const RELAY = join(__dirname, 'relay.js');

export interface NamespaceBridge {
  /** Port on 127.0.0.1 in the test's own (root) namespace. */
  port: number;
  /** http://127.0.0.1:<port> — for fetch, Socket.IO clients, etc. */
  url: string;
  close(): Promise<void>;
}

/**
 * Makes a TCP server listening on host:port INSIDE namespace `ns` reachable at
 * 127.0.0.1:<bridge.port> from the test process, without routing anything in or out of the
 * namespace: a relay inside the namespace serves a unix socket in a temp dir, a relay
 * outside serves loopback TCP and connects to that socket. It is a plain byte pipe, so
 * HTTP, WebSocket upgrades and Socket.IO pass unchanged.
 */
export async function exposeNamespacePort(ns: string, port: number, host = '127.0.0.1'): Promise<NamespaceBridge> {
  // Short dir: unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'nwb-'));
  const sock = join(dir, 's');
  // stdin stays a pipe: the relays exit when it closes, i.e. when this process dies.
  const [cmd, args] = inNamespace(ns, process.execPath, [RELAY, `unix:${sock}`, `tcp:${host}:${port}`]);
  const inner = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const outer = spawn(process.execPath, [RELAY, 'tcp:127.0.0.1:0', `unix:${sock}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onProcessExit(() => {
    inner.kill('SIGKILL');
    outer.kill('SIGKILL');
    removeDir();
  });
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= Promise.all([stopChild(outer), stopChild(inner)]).then(() => {
      removeDir();
      unregister();
    }));
  try {
    await waitForLine(inner, /^ready /);
    const [, localPort] = await waitForLine(outer, /^ready (\d+)$/);
    return { port: Number(localPort), url: `http://127.0.0.1:${localPort}`, close };
  } catch (err) {
    await close();
    throw err;
  }
}
