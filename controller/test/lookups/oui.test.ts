import { registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const ERROR_SHAPE = { error: expect.any(String), code: expect.any(String), request_id: expect.any(String) };
const PARALLELS = {
  mac: '00:1C:42:AB:CD:EF',
  oui: '00-1C-42',
  vendor: 'Parallels, Inc.',
  found: true,
  registry: 'MA-L',
  locally_administered: false,
};

describe('OUI lookups', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp('pglite', { LOOKUP_RATE_LIMIT_BURST: '1000' });
    user = await registerUser(new Http(t.url), 'oui');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('requires a logged-in user', async () => {
    expect((await new Http(t.url).get('/lookup/oui/001C42ABCDEF')).status).toBe(401);
  });

  it('reports the index loaded at start', async () => {
    const res = await user.http.get('/lookup/oui/status');
    expect(res.status).toBe(200);
    expect(res.body.loaded).toBe(true);
    expect(res.body.entry_count).toBeGreaterThan(30_000);
  });

  it.each([
    '00:1C:42:AB:CD:EF',
    '00-1C-42-AB-CD-EF',
    '001C42ABCDEF',
    '00:1c:42:ab:cd:ef',
    '00-1c-42-ab-cd-ef',
    '001c42abcdef',
  ])('finds the vendor of %s', async (mac) => {
    const res = await user.http.get(`/lookup/oui/${mac}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(PARALLELS);
  });

  it('matches the longest IEEE prefix (MA-S inside an IEEE-owned MA-L block)', async () => {
    const res = await user.http.get('/lookup/oui/00:1B:C5:00:01:23');
    expect(res.body).toMatchObject({ oui: '00-1B-C5-00-0', registry: 'MA-S', found: true });
    expect(res.body.vendor).not.toMatch(/IEEE Registration Authority/);
  });

  it('answers an unknown prefix with found:false', async () => {
    const res = await user.http.get('/lookup/oui/02:00:00:12:34:56');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      mac: '02:00:00:12:34:56',
      oui: '02-00-00',
      vendor: null,
      found: false,
      locally_administered: true,
    });
  });

  it.each(['00:1C:42:AB:CD', '00:1C:42-AB:CD:EF', 'GG1C42ABCDEF', 'not-a-mac', '00:1C:42:AB:CD:EF:00'])(
    'refuses %p with 400',
    async (mac) => {
      const res = await user.http.get(`/lookup/oui/${encodeURIComponent(mac)}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ ...ERROR_SHAPE, code: 'invalid_mac' });
    },
  );

  it('looks up to 100 MACs at once', async () => {
    const res = await user.http.post('/lookup/oui', {
      macs: ['00:1C:42:AB:CD:EF', '00:00:5E:00:01:01', '02:00:00:00:00:01'],
    });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.results[0]).toEqual(PARALLELS);
    expect(res.body.results[1]).toMatchObject({
      mac: '00:00:5E:00:01:01',
      oui: '00-00-5E',
      vendor: expect.stringMatching(/ICANN/),
      found: true,
    });
    expect(res.body.results[2].found).toBe(false);
    const hundred = await user.http.post('/lookup/oui', { macs: Array.from({ length: 100 }, () => '001C42ABCDEF') });
    expect(hundred.status).toBe(200);
    expect(hundred.body.count).toBe(100);
  });

  it('refuses a bulk request over 100 MACs, empty, or with a malformed MAC', async () => {
    const tooMany = await user.http.post('/lookup/oui', { macs: Array.from({ length: 101 }, () => '001C42ABCDEF') });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ ...ERROR_SHAPE, error: expect.stringMatching(/at most 100/) });
    expect((await user.http.post('/lookup/oui', { macs: [] })).status).toBe(400);
    const bad = await user.http.post('/lookup/oui', { macs: ['001C42ABCDEF', 'zz:zz'] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_mac');
  });
});

describe('lookup rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('pglite', { LOOKUP_RATE_LIMIT_BURST: '3', LOOKUP_RATE_LIMIT_PER_MINUTE: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives each user one bucket across all lookup routes, with the standard headers', async () => {
    const base = new Http(t.url);
    const [alice, bob] = await Promise.all([registerUser(base, 'alice'), registerUser(base, 'bob')]);
    const first = await alice.http.get('/lookup/oui/001C42ABCDEF');
    expect(first.status).toBe(200);
    expect([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining')]).toEqual(['3', '2']);
    expect((await alice.http.get('/geoip/lookup?ip=10.0.0.1')).status).toBe(200);
    expect((await alice.http.get('/whois/lookup?query=10.0.0.1')).status).toBe(400); // counted too: no free probing
    const limited = await alice.http.get('/lookup/oui/status');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ ...ERROR_SHAPE, code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(
      Number(limited.headers.get('retry-after')),
    );
    expect((await alice.http.get('/lookup/combined?ip=10.0.0.1')).status).toBe(429);
    expect((await bob.http.get('/lookup/oui/001C42ABCDEF')).status).toBe(200);
  });
});
