import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach unless the operator allows it: a webhook URL is chosen by
 * a workspace admin, and without this check it would let them make the controller call its own
 * loopback services or a cloud provider's metadata endpoint (SSRF). Private ranges stay allowed:
 * operators routinely deliver to chat or ticket systems inside their own network.
 */
const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"; 0.0.0.0 reaches the local host
FORBIDDEN.addSubnet('127.0.0.0', 8, 'ipv4'); // loopback
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. 169.254.169.254 metadata
FORBIDDEN.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
FORBIDDEN.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
FORBIDDEN.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
FORBIDDEN.addAddress('::', 'ipv6'); // unspecified
FORBIDDEN.addAddress('::1', 'ipv6'); // loopback
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6'); // link-local
FORBIDDEN.addSubnet('ff00::', 8, 'ipv6'); // multicast
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

/** IPv4 written inside IPv6 (::ffff:127.0.0.1, ::127.0.0.1) is judged as the IPv4 address. */
function embeddedIpv4(address: string): string | null {
  const match = /^::(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return match ? match[1] : null;
}

/** Why `address` (a literal IP) may not be called, or null when it may. */
export function forbiddenAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `not an IP address: ${address}`;
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  const blocked = v4 !== null ? FORBIDDEN.check(v4, 'ipv4') : FORBIDDEN.check(address, 'ipv6');
  return blocked ? `address ${address} is loopback, link-local, metadata or otherwise not routable` : null;
}
