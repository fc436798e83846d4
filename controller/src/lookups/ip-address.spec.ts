import { parseIp, reverseDnsName } from './ip-address';
import { isLoopback, reservedRange } from './reserved-ranges';

describe('parseIp', () => {
  it.each([
    ['8.8.8.8', 4, '8.8.8.8', [0x08080808]],
    [' 255.255.255.255 ', 4, '255.255.255.255', [0xffffffff]],
    ['2001:4860:4860::8888', 6, '2001:4860:4860::8888', [0x20014860, 0x48600000, 0, 0x8888]],
    ['2001:DB8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1', [0x20010db8, 0, 0x00010000, 1]],
    ['::', 6, '::', [0, 0, 0, 0]],
    ['::1', 6, '::1', [0, 0, 0, 1]],
    ['fe80::', 6, 'fe80::', [0xfe800000, 0, 0, 0]],
    ['::ffff:8.8.4.4', 4, '8.8.4.4', [0x08080404]],
    ['::ffff:0808:0404', 4, '8.8.4.4', [0x08080404]],
    ['64:ff9b::192.0.2.33', 6, '64:ff9b::c000:221', [0x0064ff9b, 0, 0, 0xc0000221]],
    ['1:0:0:2:0:0:0:3', 6, '1:0:0:2::3', [0x00010000, 0x00000002, 0, 3]],
  ])('%s', (input, version, address, words) => {
    expect(parseIp(input)).toEqual({ version, address, words });
  });

  it.each(['', '1.2.3', '1.2.3.256', '01.2.3.4', 'fe80::1%eth0', '8.8.8.8; rm -rf /', 'example.com', ':::', '1::2::3'])(
    'refuses %p',
    (input) => {
      expect(parseIp(input)).toBeNull();
    },
  );
});

describe('reservedRange', () => {
  const range = (ip: string) => reservedRange(parseIp(ip)!);
  it.each([
    ['10.1.2.3', '10.0.0.0/8'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.168.0.1', '192.168.0.0/16'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['127.0.0.1', '127.0.0.0/8'],
    ['169.254.1.1', '169.254.0.0/16'],
    ['203.0.113.45', '203.0.113.0/24'],
    ['239.1.1.1', '224.0.0.0/4'],
    ['255.255.255.255', '255.255.255.255/32'],
    ['::1', '::1/128'],
    ['fe80::1', 'fe80::/10'],
    ['fd12:3456::1', 'fc00::/7'],
    ['2001:db8::5', '2001:db8::/32'],
    ['::ffff:192.168.1.1', '192.168.0.0/16'],
  ])('%s is in %s', (ip, cidr) => {
    expect(range(ip)?.range).toBe(cidr);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '2a00:1450::1'])('%s is public', (ip) => {
    expect(range(ip)).toBeNull();
  });

  it('knows loopback in both families', () => {
    expect(isLoopback(parseIp('127.0.0.1')!)).toBe(true);
    expect(isLoopback(parseIp('::1')!)).toBe(true);
    expect(isLoopback(parseIp('10.0.0.1')!)).toBe(false);
  });
});

describe('reverseDnsName', () => {
  it('builds in-addr.arpa and ip6.arpa names', () => {
    expect(reverseDnsName(parseIp('8.8.4.4')!)).toBe('4.4.8.8.in-addr.arpa');
    expect(reverseDnsName(parseIp('2001:db8::567:89ab')!)).toBe(
      'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });
});
