import type { NetworkInterfaceInfo } from 'node:os';
import type { NetinfoPayload } from '@netwatcher/shared';

/** RTF_UP | RTF_GATEWAY from <linux/route.h>. */
const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** /proc/net/route writes IPv4 addresses as little-endian hex: 010200C0 is 192.0.2.1. */
function hexToIpv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/** 32 hex digits to the canonical compressed form (the URL parser does the compression). */
function hexToIpv6(hex: string): string {
  const groups = hex.match(/.{4}/g)!.join(':');
  return new URL(`http://[${groups}]/`).hostname.replace(/^\[|\]$/g, '');
}

/** The IPv4 default gateway with the lowest metric, from /proc/net/route. */
export function parseIpv4DefaultGateway(procNetRoute: string): string | null {
  let best: { gw: string; metric: number } | null = null;
  for (const line of procNetRoute.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [, dest, gw, flagsHex, , , metricStr, mask] = f;
    const flags = parseInt(flagsHex, 16);
    if (dest !== '00000000' || mask !== '00000000' || (flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)) continue;
    const metric = Number(metricStr);
    if (!best || metric < best.metric) best = { gw: hexToIpv4(gw), metric };
  }
  return best?.gw ?? null;
}

/** The IPv6 default gateway with the lowest metric, from /proc/net/ipv6_route. */
export function parseIpv6DefaultGateway(procIpv6Route: string): string | null {
  let best: { gw: string; metric: number } | null = null;
  for (const line of procIpv6Route.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, destLen, , , nextHop, metricHex, , , flagsHex] = f;
    const flags = parseInt(flagsHex, 16);
    if (!/^0{32}$/.test(dest) || destLen !== '00' || /^0{32}$/.test(nextHop)) continue;
    if ((flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)) continue;
    const metric = parseInt(metricHex, 16);
    if (!best || metric < best.metric) best = { gw: hexToIpv6(nextHop), metric };
  }
  return best?.gw ?? null;
}

/** `nameserver` lines of /etc/resolv.conf, in order. */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) servers.push(m[1].slice(0, 64));
  }
  return servers.slice(0, 32);
}

/** os.networkInterfaces() in the payload's shape; an all-zero MAC (loopback, tunnels) is null. */
export function mapInterfaces(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): NetinfoPayload['interfaces'] {
  return Object.entries(ifaces)
    .slice(0, 256)
    .map(([name, infos = []]) => {
      const mac = infos.find((i) => i.mac && i.mac !== '00:00:00:00:00:00')?.mac ?? null;
      return {
        name: name.slice(0, 64),
        mac,
        addresses: infos.slice(0, 256).map((i) => ({
          address: i.address,
          // Node 18.0–18.3 reported the family as a number.
          family: String(i.family) === '6' || i.family === 'IPv6' ? ('IPv6' as const) : ('IPv4' as const),
          cidr: i.cidr ?? null,
        })),
      };
    });
}
