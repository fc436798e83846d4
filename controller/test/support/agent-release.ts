import { ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
export const BINARY = 'netwatcher-agent-linux-x64';

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Builds the single-executable agent with `npm run release:agent`'s script (from the compiled
 * agent/dist, so `npm run build` first) into `outDir`, stamped with `version`.
 */
export function buildAgentRelease(outDir: string, version: string, keyFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'agent', 'scripts', 'build-sea.js'), '--out', outDir, '--version', version, '--key', keyFile],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`build-sea ${version} failed: ${err.message}\n${stderr}`)) : resolve(join(outDir, BINARY))),
    );
  });
}

/** Puts a binary into the folder the controller serves (binary first, manifest last, as the build does). */
export function serveRelease(releaseDir: string, binary: string, version: string): string {
  const sha256 = sha256Of(binary);
  copyFileSync(binary, join(releaseDir, `${BINARY}.tmp`));
  renameSync(join(releaseDir, `${BINARY}.tmp`), join(releaseDir, BINARY));
  writeFileSync(join(releaseDir, 'manifest.json.tmp'), JSON.stringify({ version, platform: 'linux-x64', file: BINARY, sha256 }));
  renameSync(join(releaseDir, 'manifest.json.tmp'), join(releaseDir, 'manifest.json'));
  return sha256;
}

/**
 * What systemd does for the unit (Restart=on-failure, RestartPreventExitStatus=2 3 4 5): the
 * agent is started again when it exits 75 after a self-update, on whichever binary is in place.
 */
export class Supervisor {
  private child: ChildProcess | null = null;
  private text = '';
  private stopping = false;
  starts = 0;
  lastExit: number | null = null;

  constructor(
    private readonly binary: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly cwd: string,
  ) {
    this.start();
  }

  output(): string {
    return this.text;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): void {
    this.starts++;
    const child = spawn(this.binary, this.args, { cwd: this.cwd, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.text += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.text += d.toString()));
    child.once('exit', (code) => {
      this.lastExit = code;
      this.text += `\n[supervisor] exit ${String(code)}\n`;
      if (!this.stopping && code === 75) this.start();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
