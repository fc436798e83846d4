import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { SysinfoPayload } from '@netwatcher/shared';
import type { ProbeRunner } from '../probe-runner';
import { parseOsRelease, parseProcMounts, selectDiskMounts } from './sysinfo.parser';

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

async function disks(): Promise<SysinfoPayload['disks']> {
  const result: SysinfoPayload['disks'] = [];
  for (const m of selectDiskMounts(parseProcMounts(await readText('/proc/mounts')))) {
    try {
      const s = await statfs(m.mount);
      result.push({ mount: m.mount.slice(0, 512), total_bytes: s.blocks * s.bsize, free_bytes: s.bavail * s.bsize });
    } catch {
      // A stale network mount or a mount we may not read: leave it out rather than fail the probe.
    }
  }
  return result;
}

/** Host facts. Reads only local files and the os module; never fails as a whole. */
export async function collectSysinfo(agentVersion: string): Promise<SysinfoPayload> {
  const cpus = os.cpus();
  return {
    hostname: os.hostname().slice(0, 253),
    os: {
      platform: os.platform().slice(0, 64),
      type: os.type().slice(0, 64),
      release: os.release().slice(0, 128),
      arch: os.arch().slice(0, 32),
      distro: parseOsRelease(await readText('/etc/os-release')),
    },
    kernel: `${os.type()} ${os.release()} ${os.version()}`.trim().slice(0, 200),
    cpu: {
      model: (cpus[0]?.model ?? 'unknown').trim().slice(0, 200),
      cores: cpus.length,
      load_avg: os.loadavg().map((l) => Math.max(0, Math.round(l * 100) / 100)),
    },
    memory: { total_bytes: os.totalmem(), free_bytes: os.freemem() },
    disks: await disks(),
    uptime_sec: Math.max(0, Math.round(os.uptime())),
    agent_version: agentVersion.slice(0, 64),
  };
}

export const sysinfoRunner: ProbeRunner = {
  measure: async (probe, deps) => [
    { probeId: probe.id, type: 'SYSINFO', target: '', payload: await collectSysinfo(deps.agentVersion), endedAt: new Date() },
  ],
  steps: () => 1,
  local: { kind: 'self', run: (deps) => collectSysinfo(deps.agentVersion) },
};
