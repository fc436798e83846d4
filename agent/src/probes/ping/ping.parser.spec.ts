import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PingPayload } from '@netwatcher/shared';
import { parsePingOutput } from './ping.parser';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'ping');
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

// Recorded on this machine with iputils 20221126: loopback, ::1, an unknown name, and a
// three-namespace topology with iptables dropping echo requests (partial/total loss) or no route.
const cases: { name: string; target: string; count: number }[] = [
  { name: 'ping-success', target: '127.0.0.1', count: 5 },
  { name: 'ping-ipv6', target: '::1', count: 4 },
  { name: 'ping-partial-loss', target: '198.18.42.2', count: 10 },
  { name: 'ping-total-loss', target: '198.18.42.2', count: 4 },
  { name: 'ping-unknown-host', target: 'nonexistent.invalid', count: 3 },
  { name: 'ping-net-unreachable', target: '198.18.43.7', count: 3 },
];

describe('parsePingOutput on recorded runs', () => {
  it.each(cases)('$name matches its golden JSON and the shared schema', ({ name, target, count }) => {
    const stderrFile = `${name}.stderr.txt`;
    const payload = parsePingOutput({
      target,
      count,
      stdout: read(`${name}.txt`),
      stderr: existsSync(join(FIXTURES, stderrFile)) ? read(stderrFile) : '',
    });
    expect(payload).toEqual(JSON.parse(read(`${name}.json`)));
    expect(PingPayload.safeParse(payload).success).toBe(true);
  });

  it('keeps lost packets as null by icmp_seq', () => {
    const p = parsePingOutput({ target: '198.18.42.2', count: 10, stdout: read('ping-partial-loss.txt') });
    expect(p.rtts_ms.map((r) => r !== null)).toEqual([false, true, true, true, false, false, false, true, false, false]);
    expect(p.loss_pct).toBe(60);
  });

  it('reports a run cut short by the timeout, from the SIGINT summary', () => {
    const stdout = [
      'PING 10.9.9.9 (10.9.9.9) 56(84) bytes of data.',
      '64 bytes from 10.9.9.9: icmp_seq=1 ttl=64 time=1.50 ms',
      '64 bytes from 10.9.9.9: icmp_seq=3 ttl=64 time=2.50 ms',
      '',
      '--- 10.9.9.9 ping statistics ---',
      '3 packets transmitted, 2 received, 33.3333% packet loss, time 2003ms',
      'rtt min/avg/max/mdev = 1.500/2.000/2.500/0.500 ms',
    ].join('\n');
    const p = parsePingOutput({ target: '10.9.9.9', count: 10, stdout, timedOut: true, timeoutSec: 3 });
    expect(p).toMatchObject({ sent: 3, received: 2, loss_pct: 33.333, rtts_ms: [1.5, null, 2.5], rtt_avg_ms: 2 });
    expect(p.error).toBe('stopped at the 3 s timeout after 3 of 10 packets');
  });

  it('ignores duplicate replies', () => {
    const stdout = [
      'PING 10.1.1.1 (10.1.1.1) 56(84) bytes of data.',
      '64 bytes from 10.1.1.1: icmp_seq=1 ttl=64 time=1.00 ms',
      '64 bytes from 10.1.1.1: icmp_seq=1 ttl=64 time=9.00 ms (DUP!)',
      '',
      '--- 10.1.1.1 ping statistics ---',
      '1 packets transmitted, 1 received, +1 duplicates, 0% packet loss, time 0ms',
    ].join('\n');
    expect(parsePingOutput({ target: '10.1.1.1', count: 1, stdout })).toMatchObject({ received: 1, rtts_ms: [1] });
  });

  it('reports a missing ping binary', () => {
    const p = parsePingOutput({ target: 'x', count: 1, stdout: '', spawnError: 'ping: spawn ping ENOENT' });
    expect(p).toMatchObject({ sent: 0, loss_pct: 100, error: 'ping: spawn ping ENOENT' });
  });
});
