import { inPrefix, IpAddress, parseIp } from './ip-address';

/** Why an address has no public location, owner or WHOIS record. */
export interface ReservedRange {
  range: string;
  description: string;
}

/** IANA special-purpose registries (RFC 6890 and successors) that matter to an operator. */
const TABLE: Array<[string, string]> = [
  ['0.0.0.0/8', '"this network" (RFC 791)'],
  ['10.0.0.0/8', 'private network (RFC 1918)'],
  ['100.64.0.0/10', 'shared address space for carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0/8', 'loopback (RFC 1122)'],
  ['169.254.0.0/16', 'link-local (RFC 3927)'],
  ['172.16.0.0/12', 'private network (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', 'documentation TEST-NET-1 (RFC 5737)'],
  ['192.168.0.0/16', 'private network (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['198.51.100.0/24', 'documentation TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0/24', 'documentation TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0/4', 'multicast (RFC 5771)'],
  ['255.255.255.255/32', 'limited broadcast (RFC 919)'],
  ['240.0.0.0/4', 'reserved for future use (RFC 1112)'],
  ['::/128', 'unspecified address (RFC 4291)'],
  ['::1/128', 'loopback (RFC 4291)'],
  ['100::/64', 'discard-only (RFC 6666)'],
  ['2001:db8::/32', 'documentation (RFC 3849)'],
  ['fc00::/7', 'unique local address (RFC 4193)'],
  ['fe80::/10', 'link-local (RFC 4291)'],
  ['ff00::/8', 'multicast (RFC 4291)'],
];

const RANGES = TABLE.map(([cidr, description]) => {
  const [base, prefix] = cidr.split('/');
  const network = parseIp(base);
  if (!network) throw new Error(`bad reserved range ${cidr}`);
  return { network, prefix: Number(prefix), range: cidr, description };
});

/** The special-purpose range an address falls in, or null for a public (global unicast) address. */
export function reservedRange(ip: IpAddress): ReservedRange | null {
  for (const r of RANGES) {
    if (r.network.version === ip.version && inPrefix(ip.words, r.network.words, r.prefix)) {
      return { range: r.range, description: r.description };
    }
  }
  return null;
}

export function isLoopback(ip: IpAddress): boolean {
  return reservedRange(ip)?.description.startsWith('loopback') === true;
}
