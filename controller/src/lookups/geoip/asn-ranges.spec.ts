import { parseIp } from '../ip-address';
import { AsnRangeIndex } from './asn-ranges';

const ip = (text: string) => parseIp(text)!;

describe('AsnRangeIndex', () => {
  const v4csv = [
    '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
    '1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd',
    '5.0.0.0,5.0.0.255,201907,"LLC ""SPUTNIK"""',
    '255.255.255.0,255.255.255.255,64512,Top Of The Range',
    '',
  ].join('\n');

  it('answers inclusive ranges, including both ends, and misses gaps', async () => {
    const index = await AsnRangeIndex.fromCsv(v4csv, 4);
    expect(index.size).toBe(4);
    expect(index.lookup(ip('1.0.0.0'))).toEqual({ number: 13335, organization: 'Cloudflare, Inc.' });
    expect(index.lookup(ip('1.0.0.255'))).toEqual({ number: 13335, organization: 'Cloudflare, Inc.' });
    expect(index.lookup(ip('1.0.1.0'))).toBeNull();
    expect(index.lookup(ip('1.0.5.9'))?.number).toBe(38803);
    expect(index.lookup(ip('0.255.255.255'))).toBeNull();
    expect(index.lookup(ip('5.0.0.7'))?.organization).toBe('LLC "SPUTNIK"');
    expect(index.lookup(ip('255.255.255.255'))?.number).toBe(64512);
    expect(index.lookup(ip('2001:db8::1'))).toBeNull();
  });

  it('reads the numeric spelling and CRLF line ends the same way', async () => {
    const index = await AsnRangeIndex.fromCsv(
      '16777216,16777471,13335,"Cloudflare, Inc."\r\n16778240,16779263,38803,Gtelecom\r\n',
      4,
    );
    expect(index.lookup(ip('1.0.0.1'))?.number).toBe(13335);
    expect(index.lookup(ip('1.0.4.1'))).toEqual({ number: 38803, organization: 'Gtelecom' });
  });

  it('sorts a file that is not sorted', async () => {
    const index = await AsnRangeIndex.fromCsv(
      '9.0.0.0,9.0.0.255,3,C\n1.0.0.0,1.0.0.255,1,A\n4.0.0.0,4.0.0.255,2,B\n',
      4,
    );
    expect([ip('1.0.0.9'), ip('4.0.0.9'), ip('9.0.0.9')].map((a) => index.lookup(a)?.number)).toEqual([1, 2, 3]);
  });

  it('handles IPv6 in both spellings, across 32-bit word boundaries', async () => {
    const text = [
      '2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC',
      '42540528726795050063891204319802818560,42540528727329395276160870415022948351,2500,WIDE Project',
      '2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
    ].join('\n');
    const index = await AsnRangeIndex.fromCsv(text, 6);
    expect(index.lookup(ip('2001::1'))?.number).toBe(6939);
    expect(index.lookup(ip('2001:0:ffff:ffff:ffff:ffff:ffff:ffff'))?.number).toBe(6939);
    expect(index.lookup(ip('2001:1::'))).toBeNull();
    expect(index.lookup(ip('2001:200::1'))?.number).toBe(2500);
    expect(index.lookup(ip('2a00:1450:4001:82a::200e'))?.number).toBe(15169);
    expect(index.lookup(ip('8.8.8.8'))).toBeNull();
  });

  it('yields to the event loop while loading a large file', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i * 256},${i * 256 + 255},${i},org${i % 7}`).join('\n');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const loading = AsnRangeIndex.fromCsv(rows, 4, 100);
    const index = await loading;
    clearInterval(timer);
    expect(index.lookup(ip('0.0.19.1'))).toEqual({ number: 19, organization: 'org5' });
    expect(ticks).toBeGreaterThan(0);
  });

  it('names the line of a malformed row', async () => {
    await expect(AsnRangeIndex.fromCsv('1.0.0.0,1.0.0.255,13335,A\nnot a row\n', 4)).rejects.toThrow(/line 2/);
    await expect(AsnRangeIndex.fromCsv('1.0.0.0,1.0.0.300,1,A\n', 4)).rejects.toThrow(/line 1/);
  });
});
