import { waitUntil } from '@netwatcher/shared/testing';
import type { AppConfig } from '../src/config/config';
import { LookupResolver } from '../src/lookups/lookup-resolver';
import { HopNames } from '../src/network-map/hop-names';
import { DnsStub, startDnsStub } from './fixtures/dns-stub';

/** HopNames against a DNS server stub on loopback: no app, no traffic leaving the machine. */
describe('hop names: controller-side reverse DNS', () => {
  let dns: DnsStub;

  beforeAll(async () => {
    dns = await startDnsStub({
      '1.0.51.198.in-addr.arpa': { PTR: ['edge1.example.net'] },
      '2.0.51.198.in-addr.arpa': { hang: true },
      '3.0.51.198.in-addr.arpa': { hang: true },
      '4.0.51.198.in-addr.arpa': { hang: true },
      '5.0.51.198.in-addr.arpa': { PTR: ['edge5.example.net'] },
    });
  });
  afterAll(() => dns?.close());

  function hopNames(settings: Partial<AppConfig['networkMap']>, dnsTimeoutMs = 2_000): HopNames {
    const networkMap = { hopNames: true, updateMinIntervalMs: 0, dnsConcurrency: 8, dnsTtlMs: 60_000, dnsNegativeTtlMs: 60_000, dnsBudgetMs: 1_000, ...settings };
    const resolver = new LookupResolver({ lookups: { dnsServers: [dns.server], dnsTimeoutMs } } as AppConfig);
    return new HopNames(resolver, { networkMap });
  }
  const asked = (ptr: string) => dns.queries.filter((q) => q === `PTR ${ptr}`).length;

  it('names an address once and answers later reads from the cache', async () => {
    const names = hopNames({});
    expect(await names.names(['198.51.0.1', '198.51.0.99'])).toEqual(
      new Map([
        ['198.51.0.1', 'edge1.example.net'],
        ['198.51.0.99', null],
      ]),
    );
    const before = dns.queries.length;
    expect((await names.names(['198.51.0.1', '198.51.0.99'])).get('198.51.0.1')).toBe('edge1.example.net');
    // NXDOMAIN is remembered as well (negative TTL): nothing is asked again.
    expect(dns.queries.length).toBe(before);
  });

  it('asks again once the negative TTL has passed', async () => {
    const names = hopNames({ dnsNegativeTtlMs: 200 });
    await names.names(['198.51.0.98']);
    expect(asked('98.0.51.198.in-addr.arpa')).toBe(1);
    await waitUntil('a second query after the negative TTL', async () => {
      await names.names(['198.51.0.98']);
      return asked('98.0.51.198.in-addr.arpa') === 2;
    });
  });

  it('sends nothing when hop names are off', async () => {
    const before = dns.queries.length;
    expect(await hopNames({ hopNames: false }).names(['198.51.0.1'])).toEqual(new Map([['198.51.0.1', null]]));
    expect(dns.queries.length).toBe(before);
  });

  it('waits no longer than its budget, keeps at most dnsConcurrency queries in flight, and fills names in later', async () => {
    const names = hopNames({ dnsConcurrency: 2, dnsBudgetMs: 300 }, 1_500);
    const started = Date.now();
    const first = await names.names(['198.51.0.2', '198.51.0.3', '198.51.0.4', '198.51.0.5']);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1_200);
    // Two silent servers hold both slots: the other two were not asked yet, and all four are null for now.
    expect([...first.values()]).toEqual([null, null, null, null]);
    expect(names.inFlight).toBe(2);
    expect(asked('4.0.51.198.in-addr.arpa') + asked('5.0.51.198.in-addr.arpa')).toBe(0);
    // Once the hanging queries time out, the queue moves on and .5 gets its name.
    await waitUntil('the queued address named', async () => (await names.names(['198.51.0.5'], 0)).get('198.51.0.5') === 'edge5.example.net');
    expect(asked('2.0.51.198.in-addr.arpa')).toBe(1);
    // .4 waited its turn and times out last; nothing is left running behind the test.
    await waitUntil('every query settled', () => names.inFlight === 0);
    expect(asked('4.0.51.198.in-addr.arpa')).toBe(1);
  });
});
