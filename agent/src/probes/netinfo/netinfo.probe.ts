import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { NetinfoPayload } from '@netwatcher/shared';
import type { ProbeRunner } from '../probe-runner';
import {
  mapInterfaces,
  parseIpv4DefaultGateway,
  parseIpv6DefaultGateway,
  parseResolvConf,
} from './netinfo.parser';

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Interfaces, default gateway (IPv4 preferred, IPv6 otherwise), DNS servers and the public
 * address. `publicIp` is injected: it needs the controller and credentials, and may be absent
 * (`probe netinfo` on a host that has not enrolled).
 */
export async function collectNetinfo(publicIp: () => Promise<string | null>): Promise<NetinfoPayload> {
  const [route4, route6, resolv, ip] = await Promise.all([
    readText('/proc/net/route'),
    readText('/proc/net/ipv6_route'),
    readText('/etc/resolv.conf'),
    publicIp(),
  ]);
  return {
    hostname: os.hostname().slice(0, 253),
    interfaces: mapInterfaces(os.networkInterfaces()),
    default_gateway: parseIpv4DefaultGateway(route4) ?? parseIpv6DefaultGateway(route6),
    dns_servers: parseResolvConf(resolv),
    public_ip: ip,
  };
}

export const netinfoRunner: ProbeRunner = {
  measure: async (probe, deps) => [
    { probeId: probe.id, type: 'NETINFO', target: '', payload: await collectNetinfo(deps.publicIp), endedAt: new Date() },
  ],
  steps: () => 1,
  local: { kind: 'self', run: (deps) => collectNetinfo(deps.publicIp) },
};
