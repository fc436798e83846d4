import { isIP } from 'node:net';

/**
 * An IP address as 32-bit words (one for IPv4, four for IPv6), so range tables can compare
 * addresses with plain number arithmetic instead of allocating BigInts on every lookup.
 */
export interface IpAddress {
  version: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  address: string;
  words: readonly number[];
}

function ipv4Words(text: string): number[] {
  const [a, b, c, d] = text.split('.').map(Number);
  return [((a << 24) | (b << 16) | (c << 8) | d) >>> 0];
}

function ipv6Words(text: string): number[] {
  // An embedded dotted quad (::ffff:1.2.3.4) stands for the last two hextets.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const [v4] = ipv4Words(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const parse = (part: string): number[] => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const gap = text.indexOf('::');
  const hextets =
    gap < 0
      ? parse(text)
      : (() => {
          const l = parse(text.slice(0, gap));
          const r = parse(text.slice(gap + 2));
          return [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
        })();
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((hextets[i] << 16) | hextets[i + 1]) >>> 0);
  return words;
}

function formatIpv6(words: readonly number[]): string {
  const h = words.flatMap((w) => [w >>> 16, w & 0xffff]);
  // RFC 5952: compress the longest run (length ≥ 2) of zero hextets, the first on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (h[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && h[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = h.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIpv4(word: number): string {
  return [word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff].join('.');
}

/**
 * Parses an address validated by `net.isIP`. Zone ids (`fe80::1%eth0`) are refused: they name a
 * local interface and mean nothing to a lookup. IPv4-mapped IPv6 (`::ffff:8.8.8.8`, what a
 * dual-stack socket reports for an IPv4 peer) is treated as the IPv4 address it carries.
 */
export function parseIp(input: string): IpAddress | null {
  const text = input.trim();
  if (text.length > 45 || text.includes('%')) return null;
  const version = isIP(text);
  if (version === 4) return { version: 4, address: formatIpv4(ipv4Words(text)[0]), words: ipv4Words(text) };
  if (version !== 6) return null;
  const words = ipv6Words(text.toLowerCase());
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) {
    return { version: 4, address: formatIpv4(words[3]), words: [words[3]] };
  }
  return { version: 6, address: formatIpv6(words), words };
}

/** Lexicographic comparison of two addresses of the same version. */
export function compareWords(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  n: number,
): number {
  for (let i = 0; i < n; i++) {
    const d = a[aOffset + i] - b[bOffset + i];
    if (d !== 0) return d;
  }
  return 0;
}

/** True when the first `prefix` bits of `ip` equal those of `network` (same version). */
export function inPrefix(ip: readonly number[], network: readonly number[], prefix: number): boolean {
  for (let i = 0; i < ip.length && prefix > 0; i++, prefix -= 32) {
    const bits = Math.min(prefix, 32);
    const mask = bits === 32 ? 0xffffffff : ~(0xffffffff >>> bits);
    if ((ip[i] & mask) >>> 0 !== (network[i] & mask) >>> 0) return false;
  }
  return true;
}

/** The PTR query name: `4.4.8.8.in-addr.arpa`, or nibbles under `ip6.arpa` for IPv6. */
export function reverseDnsName(ip: IpAddress): string {
  if (ip.version === 4) return `${ip.address.split('.').reverse().join('.')}.in-addr.arpa`;
  const nibbles = ip.words.map((w) => w.toString(16).padStart(8, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}
