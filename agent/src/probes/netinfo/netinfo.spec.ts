import { NetinfoPayload } from '@netwatcher/shared';
import {
  mapInterfaces,
  parseIpv4DefaultGateway,
  parseIpv6DefaultGateway,
  parseResolvConf,
} from './netinfo.parser';
import { collectNetinfo } from './netinfo.probe';

// Recorded on this machine (eth0 default via 192.0.2.1, IPv6 default via fd00::1), plus a
// second, worse default route to check the metric wins.
const ROUTE = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth1	00000000	FE0110AC	0003	0	0	100	00000000	0	0	0
eth0	00000000	010200C0	0003	0	0	0	00000000	0	0	0
eth0	000200C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
`;
const ROUTE6 = `fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
`;

describe('netinfo parsers', () => {
  it('finds the IPv4 default gateway with the lowest metric', () => {
    expect(parseIpv4DefaultGateway(ROUTE)).toBe('192.0.2.1');
    expect(parseIpv4DefaultGateway('Iface\tDestination\n')).toBeNull();
  });

  it('finds the IPv6 default gateway, ignoring reject routes', () => {
    expect(parseIpv6DefaultGateway(ROUTE6)).toBe('fd00::1');
    expect(parseIpv6DefaultGateway(ROUTE6.split('\n')[2])).toBeNull();
  });

  it('lists nameservers in order and ignores comments and options', () => {
    expect(parseResolvConf('# generated\nnameserver 10.255.255.53\noptions edns0\nnameserver 2001:db8::53\n')).toEqual([
      '10.255.255.53',
      '2001:db8::53',
    ]);
  });

  it('maps interfaces with a null MAC for loopback', () => {
    const mapped = mapInterfaces({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: 'fd00::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:fc:00:00:00:01', internal: false, cidr: 'fd00::2/64', scopeid: 0 },
      ],
    });
    expect(mapped).toEqual([
      { name: 'lo', mac: null, addresses: [{ address: '127.0.0.1', family: 'IPv4', cidr: '127.0.0.1/8' }] },
      { name: 'eth0', mac: '02:fc:00:00:00:01', addresses: [{ address: 'fd00::2', family: 'IPv6', cidr: 'fd00::2/64' }] },
    ]);
  });

  it('collects a schema-valid payload on this host with the injected public address', async () => {
    const payload = await collectNetinfo(async () => '203.0.113.45');
    expect(NetinfoPayload.parse(payload).public_ip).toBe('203.0.113.45');
    expect(payload.interfaces.some((i) => i.name === 'lo')).toBe(true);
  });
});
