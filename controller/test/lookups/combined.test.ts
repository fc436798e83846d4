import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { DnsStub, startDnsStub } from '../fixtures/dns-stub';
import { cityRecord, writeMmdb } from './support/mmdb-writer';
import { waitUntil } from '@netwatcher/shared/testing';
import { registryAnswers, startWhoisStub, WhoisStub } from '../fixtures/whois-stub';

const ERROR_SHAPE = { error: expect.any(String), code: expect.any(String), request_id: expect.any(String) };
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function citySpec(city: string) {
  return {
    databaseType: 'GeoIP2-City',
    networks: [
      [
        '81.2.69.0/24',
        cityRecord({
          city,
          subdivision: 'ENG',
          country: 'GB',
          countryName: 'United Kingdom',
          latitude: 51.4,
          longitude: -0.76,
          accuracy: 50,
        }),
      ],
      [
        '9.9.9.0/24',
        cityRecord({
          city: 'Zurich',
          subdivision: 'ZH',
          country: 'CH',
          countryName: 'Switzerland',
          latitude: 47.37,
          longitude: 8.54,
          accuracy: 20,
        }),
      ],
    ] as Array<[string, Record<string, unknown>]>,
  };
}

describe('combined lookup', () => {
  let whois: WhoisStub;
  let dns: DnsStub;
  let t: TestApp;
  let user: TestUser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-combined-'));
    writeMmdb(join(dir, 'city.mmdb'), citySpec('Bracknell'));
    writeMmdb(join(dir, 'asn.mmdb'), {
      databaseType: 'GeoLite2-ASN',
      networks: [
        ['81.2.69.0/24', { autonomous_system_number: 20712, autonomous_system_organization: 'Example Broadband Ltd' }],
      ],
    });
    whois = await startWhoisStub(registryAnswers);
    dns = await startDnsStub({
      'dns.example.test': { A: ['81.2.69.142'] },
      'v6only.example.test': { AAAA: ['2a02:1234::1'] },
      'slow.example.test': { hang: true },
      '142.69.2.81.in-addr.arpa': { PTR: ['host-81-2-69-142.example.net'] },
      '9.9.9.9.in-addr.arpa': { hang: true },
      '10.1.168.192.in-addr.arpa': { PTR: ['printer.lan'] },
    });
    t = await startTestApp('postgres', {
      GEOIP_CITY_DB: join(dir, 'city.mmdb'),
      GEOIP_ASN_DB: join(dir, 'asn.mmdb'),
      GEOIP_RELOAD_INTERVAL_MS: '100',
      WHOIS_SERVER: '127.0.0.1',
      WHOIS_PORT: String(whois.port),
      WHOIS_TIMEOUT_MS: '800',
      LOOKUP_DNS_SERVERS: dns.server,
      LOOKUP_DNS_TIMEOUT_MS: '500',
      LOOKUP_RATE_LIMIT_BURST: '1000',
    });
    user = await registerUser(new Http(t.url), 'combined');
  });
  afterAll(async () => {
    await t?.close();
    await whois?.close();
    await dns?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires a logged-in user', async () => {
    expect((await new Http(t.url).get('/lookup/combined?ip=81.2.69.142')).status).toBe(401);
  });

  it('answers GeoIP, WHOIS and reverse DNS, uncached the first time and cached the second', async () => {
    const first = await user.http.get('/lookup/combined?ip=81.2.69.142');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      ip: '81.2.69.142',
      geoip: {
        ip: '81.2.69.142',
        city: { name: 'Bracknell', subdivision: 'ENG' },
        country: { code: 'GB', name: 'United Kingdom' },
        asn: { number: 20712, organization: 'Example Broadband Ltd' },
        coordinates: { latitude: 51.4, longitude: -0.76, accuracy_radius: 50 },
        cached: false,
        cache_time: expect.stringMatching(ISO_MS),
      },
      whois: {
        query: '81.2.69.142',
        raw_output: expect.stringContaining('inetnum:'),
        parsed: expect.objectContaining({ netname: 'EXAMPLE-NCC-NET', country: 'NL' }),
        lookup_time_ms: expect.any(Number),
        cached: false,
        cache_time: expect.stringMatching(ISO_MS),
      },
      reverse_dns: 'host-81-2-69-142.example.net',
      cached: false,
      cache_time: expect.stringMatching(ISO_MS),
    });
    expect(first.body).not.toHaveProperty('hostname');
    expect(first.body).not.toHaveProperty('errors');

    const connections = whois.connections;
    const second = await user.http.get('/lookup/combined?ip=81.2.69.142');
    expect(second.status).toBe(200);
    expect(second.body.cached).toBe(true);
    expect(second.body.cache_time).toBe(first.body.cache_time);
    expect(second.body.geoip).toEqual({ ...first.body.geoip, cached: true });
    expect(second.body.whois).toEqual({ ...first.body.whois, cached: true });
    expect(whois.connections).toBe(connections);
  });

  it('resolves a host name first and echoes it', async () => {
    const res = await user.http.get('/lookup/combined?ip=DNS.example.test');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ip: '81.2.69.142',
      hostname: 'dns.example.test',
      geoip: { city: { name: 'Bracknell' } },
      reverse_dns: 'host-81-2-69-142.example.net',
    });
    expect(dns.queries).toContain('A dns.example.test');
    const v6 = await user.http.get('/lookup/combined?ip=v6only.example.test');
    expect(v6.body).toMatchObject({ ip: '2a02:1234::1', hostname: 'v6only.example.test' });
  });

  it('refuses a name that does not resolve, or a resolver that does not answer', async () => {
    const missing = await user.http.get('/lookup/combined?ip=nope.example.test');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ ...ERROR_SHAPE, code: 'host_not_found' });
    const slow = await user.http.get('/lookup/combined?ip=slow.example.test');
    expect(slow.status).toBe(504);
    expect(slow.body).toEqual({ ...ERROR_SHAPE, code: 'dns_timeout' });
  });

  it('reports failed parts under errors while the rest still answers', async () => {
    const res = await user.http.get('/lookup/combined?ip=9.9.9.9');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ip: '9.9.9.9',
      geoip: { city: { name: 'Zurich' }, country: { code: 'CH' }, cached: false },
      whois: null,
      reverse_dns: null,
      errors: {
        whois: expect.stringMatching(/did not answer in time/),
        reverse_dns: expect.stringMatching(/did not answer in time/),
      },
    });
    expect(res.body.errors).not.toHaveProperty('geoip');
  });

  it('answers a private address without WHOIS, with its local reverse name', async () => {
    const connections = whois.connections;
    const res = await user.http.get('/lookup/combined?ip=192.168.1.10');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ip: '192.168.1.10',
      geoip: { ip: '192.168.1.10', reserved: { range: '192.168.0.0/16' } },
      whois: null,
      reverse_dns: 'printer.lan',
    });
    expect(res.body).not.toHaveProperty('errors');
    expect(whois.connections).toBe(connections);
  });

  it.each(['8.8.8.8;id', '$(id)', 'a b', '-x'])('refuses %p with 400 before any lookup', async (input) => {
    const connections = whois.connections;
    const queries = dns.queries.length;
    const res = await user.http.get(`/lookup/combined?ip=${encodeURIComponent(input)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(ERROR_SHAPE);
    expect(whois.connections).toBe(connections);
    expect(dns.queries.length).toBe(queries);
  });

  it('does not serve a cached GeoIP answer from a database that has been replaced', async () => {
    const before = await user.http.get('/lookup/combined?ip=81.2.69.142');
    expect(before.body.geoip).toMatchObject({ cached: true, city: { name: 'Bracknell' } });
    const tmp = join(dir, 'city.mmdb.tmp');
    writeMmdb(tmp, citySpec('Reading'));
    renameSync(tmp, join(dir, 'city.mmdb'));
    await waitUntil('the lookup to answer the new value', async () => (await user.http.get('/geoip/lookup?ip=81.2.69.142')).body.city?.name === 'Reading');
    const after = await user.http.get('/lookup/combined?ip=81.2.69.142');
    expect(after.body.geoip).toMatchObject({ cached: false, city: { name: 'Reading' } });
    // WHOIS is independent of the GeoIP files and stays cached.
    expect(after.body.whois.cached).toBe(true);
    expect(after.body.cached).toBe(false);
  });
});
