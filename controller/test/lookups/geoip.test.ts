import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { cityRecord, writeMmdb } from './support/mmdb-writer';
import { waitUntil } from '@netwatcher/shared/testing';

const ERROR_SHAPE = { error: expect.any(String), code: expect.any(String), request_id: expect.any(String) };

describe('GeoIP on the databases shipped by npm', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    // These tests make more requests than a user's default burst; the limit has its own test.
    t = await startTestApp('postgres', { LOOKUP_RATE_LIMIT_BURST: '1000' });
    user = await registerUser(new Http(t.url), 'geoip');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('requires a logged-in user', async () => {
    const res = await new Http(t.url).get('/geoip/lookup?ip=8.8.8.8');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(ERROR_SHAPE);
  });

  it('reports every database loaded', async () => {
    const res = await user.http.get('/geoip/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ city: true, country: true, asn: true });
  });

  it('locates a public IPv4 address down to the city, with its ASN', async () => {
    const res = await user.http.get('/geoip/lookup?ip=81.2.69.142');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ip: '81.2.69.142',
      city: { name: expect.any(String), subdivision: expect.any(String) },
      country: { code: 'GB', name: 'United Kingdom' },
      asn: { number: expect.any(Number), organization: expect.any(String) },
      coordinates: { latitude: expect.any(Number), longitude: expect.any(Number) },
    });
    expect(res.body.city.name.length).toBeGreaterThan(0);
    expect(res.body.coordinates.latitude).toBeGreaterThan(49);
    expect(res.body.coordinates.latitude).toBeLessThan(59);
  });

  it('answers 8.8.8.8 with country and Google’s ASN', async () => {
    const res = await user.http.get('/geoip/lookup?ip=8.8.8.8');
    expect(res.status).toBe(200);
    expect(res.body.country).toEqual({ code: 'US', name: 'United States' });
    expect(res.body.asn).toEqual({ number: 15169, organization: expect.stringMatching(/google/i) });
    expect(res.body.coordinates).toEqual({ latitude: expect.any(Number), longitude: expect.any(Number) });
  });

  it('leaves out what the database does not know (1.1.1.1 has no location record)', async () => {
    const res = await user.http.get('/geoip/lookup?ip=1.1.1.1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ip: '1.1.1.1',
      asn: { number: 13335, organization: expect.stringMatching(/cloudflare/i) },
    });
  });

  it('locates IPv6 addresses, and reads IPv4-mapped IPv6 as IPv4', async () => {
    const frankfurt = await user.http.get('/geoip/lookup?ip=2a00:1450:4001:82a::200e');
    expect(frankfurt.status).toBe(200);
    expect(frankfurt.body).toMatchObject({
      ip: '2a00:1450:4001:82a::200e',
      city: { name: expect.any(String) },
      country: { code: 'DE', name: 'Germany' },
      asn: { number: 15169 },
    });
    const google = await user.http.get('/geoip/lookup?ip=2001:4860:4860:0:0:0:0:8888');
    expect(google.body).toMatchObject({ ip: '2001:4860:4860::8888', country: { code: 'US' }, asn: { number: 15169 } });
    const mapped = await user.http.get('/geoip/lookup?ip=::ffff:8.8.8.8');
    expect(mapped.body).toMatchObject({ ip: '8.8.8.8', asn: { number: 15169 } });
  });

  it.each([
    ['10.1.2.3', '10.0.0.0/8', /private/],
    ['192.168.1.1', '192.168.0.0/16', /private/],
    ['127.0.0.1', '127.0.0.0/8', /loopback/],
    ['100.64.1.1', '100.64.0.0/10', /carrier-grade NAT/],
    ['fe80::1', 'fe80::/10', /link-local/],
    ['fd00::1', 'fc00::/7', /unique local/],
  ])('answers the special-purpose address %s clearly, without a location', async (ip, range, description) => {
    const res = await user.http.get(`/geoip/lookup?ip=${encodeURIComponent(ip)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ip, reserved: { range, description: expect.stringMatching(description) } });
  });

  it.each(['8.8.8.8; rm -rf /', '999.1.1.1', 'fe80::1%eth0', 'example.com', '$(id)'])(
    'refuses %p with 400',
    async (ip) => {
      const res = await user.http.get(`/geoip/lookup?ip=${encodeURIComponent(ip)}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ ...ERROR_SHAPE, code: 'invalid_ip' });
    },
  );

  it('refuses a missing or over-long ip parameter', async () => {
    expect((await user.http.get('/geoip/lookup')).status).toBe(400);
    expect((await user.http.get(`/geoip/lookup?ip=${'1'.repeat(100)}`)).status).toBe(400);
  });

  it('looks up to 100 addresses at once', async () => {
    const res = await user.http.post('/geoip/lookup', {
      ips: ['8.8.8.8', '1.1.1.1', '10.0.0.1', '2001:4860:4860::8888'],
    });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(4);
    expect(res.body.data.map((d: { ip: string }) => d.ip)).toEqual([
      '8.8.8.8',
      '1.1.1.1',
      '10.0.0.1',
      '2001:4860:4860::8888',
    ]);
    expect(res.body.data[0].asn.number).toBe(15169);
    expect(res.body.data[2].reserved.range).toBe('10.0.0.0/8');

    const hundred = Array.from({ length: 100 }, (_, i) => `8.8.${i}.8`);
    const full = await user.http.post('/geoip/lookup', { ips: hundred });
    expect(full.status).toBe(200);
    expect(full.body.total).toBe(100);
  });

  it('refuses a bulk request over 100 addresses, empty, or with one bad address', async () => {
    const tooMany = await user.http.post('/geoip/lookup', { ips: Array.from({ length: 101 }, () => '8.8.8.8') });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ ...ERROR_SHAPE, error: expect.stringMatching(/at most 100/) });
    expect((await user.http.post('/geoip/lookup', { ips: [] })).status).toBe(400);
    expect((await user.http.post('/geoip/lookup', { ips: 'not-a-list' })).status).toBe(400);
    const bad = await user.http.post('/geoip/lookup', { ips: ['8.8.8.8', 'nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/"nope"/);
    expect((await user.http.post('/geoip/lookup', { ips: ['8.8.8.8'], extra: 1 })).status).toBe(400);
  });

  it('sends the rate-limit headers', async () => {
    const res = await user.http.get('/geoip/lookup?ip=8.8.8.8');
    expect(res.headers.get('ratelimit-limit')).toBe('1000');
    expect(res.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
    expect(res.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
  });
});

describe('GeoIP on operator-supplied GeoIP2 databases', () => {
  let t: TestApp;
  let user: TestUser;
  let dir: string;
  const cityPath = () => join(dir, 'GeoLite2-City.mmdb');
  const asnPath = () => join(dir, 'GeoLite2-ASN.mmdb');
  // Public-looking addresses: special-purpose ranges are answered before any database is read.
  const citySpec = (city: string, accuracy: number) => ({
    databaseType: 'GeoIP2-City',
    networks: [
      [
        '81.2.69.0/24',
        cityRecord({
          city,
          subdivision: 'BC',
          country: 'CA',
          countryName: 'Canada',
          latitude: 49.2827,
          longitude: -123.1207,
          accuracy,
        }),
      ],
      [
        '2a02:1234::/32',
        cityRecord({
          city: 'Oslo',
          subdivision: '03',
          country: 'NO',
          countryName: 'Norway',
          latitude: 59.9139,
          longitude: 10.7522,
          accuracy: 5,
        }),
      ],
    ] as Array<[string, Record<string, unknown>]>,
  });

  /** Writes next to the target and renames over it, the way a database should be installed. */
  function install(path: string, write: (tmp: string) => void): void {
    const tmp = `${path}.tmp`;
    write(tmp);
    renameSync(tmp, path);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-geoip-'));
    writeMmdb(cityPath(), citySpec('Vancouver', 20));
    writeMmdb(asnPath(), {
      databaseType: 'GeoLite2-ASN',
      networks: [
        ['81.2.69.0/24', { autonomous_system_number: 852, autonomous_system_organization: 'TELUS Communications' }],
        ['2a02:1234::/32', { autonomous_system_number: 64500, autonomous_system_organization: 'Example Nordic AS' }],
      ],
    });
    t = await startTestApp('postgres', {
      GEOIP_CITY_DB: cityPath(),
      GEOIP_ASN_DB: asnPath(),
      GEOIP_RELOAD_INTERVAL_MS: '100',
    });
    user = await registerUser(new Http(t.url), 'geoip-operator');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the standard GeoIP2 record layout exactly', async () => {
    const res = await user.http.get('/geoip/lookup?ip=81.2.69.45');
    expect(res.body).toEqual({
      ip: '81.2.69.45',
      city: { name: 'Vancouver', subdivision: 'BC' },
      country: { code: 'CA', name: 'Canada' },
      asn: { number: 852, organization: 'TELUS Communications' },
      coordinates: { latitude: 49.2827, longitude: -123.1207, accuracy_radius: 20 },
    });
    const v6 = await user.http.get('/geoip/lookup?ip=2a02:1234::1');
    expect(v6.body).toEqual({
      ip: '2a02:1234::1',
      city: { name: 'Oslo', subdivision: '03' },
      country: { code: 'NO', name: 'Norway' },
      asn: { number: 64500, organization: 'Example Nordic AS' },
      coordinates: { latitude: 59.9139, longitude: 10.7522, accuracy_radius: 5 },
    });
    const unknown = await user.http.get('/geoip/lookup?ip=8.8.8.8');
    expect(unknown.body).toEqual({ ip: '8.8.8.8' });
    expect((await user.http.get('/geoip/status')).body).toEqual({ city: true, country: true, asn: true });
  });

  it('picks up a replaced database file without a restart', async () => {
    install(cityPath(), (tmp) => writeMmdb(tmp, citySpec('Burnaby', 7)));
    await waitUntil('the lookup to answer the new value', async () => (await user.http.get('/geoip/lookup?ip=81.2.69.45')).body.city?.name === 'Burnaby');
    const res = await user.http.get('/geoip/lookup?ip=81.2.69.45');
    expect(res.body.coordinates.accuracy_radius).toBe(7);
  });

  it('keeps serving the previous copy when a replacement is not a database', async () => {
    // The watcher reports a refused replacement with a warning: wait for it rather than for time.
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    install(cityPath(), (tmp) => writeFileSync(tmp, 'this is not an mmdb file'));
    await waitUntil('the broken replacement to be tried and refused', async () =>
      warnings.mock.calls.some(([fields, msg]) => msg === 'reload failed; keeping the previous copy' && (fields as { path?: string }).path === cityPath()),
    );
    warnings.mockRestore();
    const res = await user.http.get('/geoip/lookup?ip=81.2.69.45');
    expect(res.body.city).toEqual({ name: 'Burnaby', subdivision: 'BC' });
    install(cityPath(), (tmp) => writeMmdb(tmp, citySpec('Surrey', 9)));
    await waitUntil('the lookup to answer the new value', async () => (await user.http.get('/geoip/lookup?ip=81.2.69.45')).body.city?.name === 'Surrey');
  });
});
