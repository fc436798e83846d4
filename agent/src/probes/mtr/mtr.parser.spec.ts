import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MtrPayload } from '@netwatcher/shared';
import { parseMtrOutput } from './mtr.parser';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'mtr');
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

// Recorded with mtr 0.95 (mtr-tiny): loopback, ::1, a two-hop path through namespaces, the same
// path with the router dropping ICMP time-exceeded (unknown hop) or the target dropping every
// second echo request (partial loss), and an unknown name.
const cases = [
  { name: 'mtr-success', target: '127.0.0.1' },
  { name: 'mtr-ipv6', target: '::1' },
  { name: 'mtr-two-hops', target: '198.18.42.2' },
  { name: 'mtr-unknown-hop', target: '198.18.42.2' },
  { name: 'mtr-partial-loss', target: '198.18.42.2' },
  { name: 'mtr-unknown-host', target: 'nonexistent.invalid' },
];

describe('parseMtrOutput on recorded runs', () => {
  it.each(cases)('$name matches its golden JSON and the shared schema', ({ name, target }) => {
    const stderrFile = `${name}.stderr.txt`;
    const payload = parseMtrOutput({
      target,
      stdout: read(`${name}.txt`),
      stderr: existsSync(join(FIXTURES, stderrFile)) ? read(stderrFile) : '',
    });
    expect(payload).toEqual(JSON.parse(read(`${name}.json`)));
    expect(MtrPayload.safeParse(payload).success).toBe(true);
  });

  it('turns "???" into a null address with null timings, not 0 ms', () => {
    const hop = parseMtrOutput({ target: '198.18.42.2', stdout: read('mtr-unknown-hop.txt') }).hops[0];
    expect(hop).toEqual({
      hop: 1, address: null, hostname: null, loss_pct: 100, sent: 3,
      last_ms: null, avg_ms: null, best_ms: null, worst_ms: null, stddev_ms: null,
    });
  });

  it('accepts the string-typed numbers of older mtr versions and DNS names', () => {
    const stdout = JSON.stringify({
      report: { hubs: [{ count: '1', host: 'gw.example.net', 'Loss%': '10.00', Snt: '10', Last: '1.5', Avg: '1.2', Best: '1.0', Wrst: '2.0', StDev: '0.3' }] },
    });
    expect(parseMtrOutput({ target: 'x', stdout }).hops[0]).toMatchObject({
      hop: 1, address: null, hostname: 'gw.example.net', loss_pct: 10, sent: 10, avg_ms: 1.2,
    });
  });

  it('reports a timeout when mtr printed nothing', () => {
    expect(parseMtrOutput({ target: 'x', stdout: '', timedOut: true, timeoutSec: 4 })).toEqual({
      target: 'x', hops: [], error: 'mtr did not finish within 4 s',
    });
  });
});
