import { registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { registryAnswers, startWhoisStub, WhoisStub } from '../fixtures/whois-stub';

const ERROR_SHAPE = { error: expect.any(String), code: expect.any(String), request_id: expect.any(String) };

describe('WHOIS against a local WHOIS server', () => {
  let stub: WhoisStub;
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    stub = await startWhoisStub(registryAnswers);
    t = await startTestApp('pglite', {
      WHOIS_SERVER: '127.0.0.1',
      WHOIS_PORT: String(stub.port),
      WHOIS_TIMEOUT_MS: '800',
      LOOKUP_RATE_LIMIT_BURST: '1000',
    });
    user = await registerUser(new Http(t.url), 'whois');
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  it('requires a logged-in user, and opens no connection for an anonymous caller', async () => {
    const before = stub.connections;
    const res = await new Http(t.url).get('/whois/lookup?query=8.8.8.8');
    expect(res.status).toBe(401);
    expect(stub.connections).toBe(before);
  });

  it('parses an ARIN answer', async () => {
    const res = await user.http.get('/whois/lookup?query=8.8.8.8');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      query: '8.8.8.8',
      raw_output: expect.stringContaining('NetRange:       8.8.8.0 - 8.8.8.255'),
      parsed: {
        netname: 'EXDNS-8-8-8',
        netrange: '8.8.8.0 - 8.8.8.255',
        organization: 'Example Public DNS LLC',
        country: 'US',
        created: '2023-12-28',
        updated: '2023-12-28',
        abuse_email: 'network-abuse@dns.example.com',
      },
      lookup_time_ms: expect.any(Number),
      cached: false,
      cache_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(stub.queries).toContain('8.8.8.8');
  });

  it('parses a RIPE answer, asked with ip=', async () => {
    const res = await user.http.get('/whois/lookup?ip=193.0.6.139');
    expect(res.status).toBe(200);
    expect(res.body.query).toBe('193.0.6.139');
    expect(res.body.parsed).toEqual({
      netname: 'EXAMPLE-NCC-NET',
      netrange: '193.0.0.0 - 193.0.23.255',
      organization: 'Example Network Coordination Centre B.V.',
      country: 'NL',
      created: '2003-03-17T12:15:57Z',
      updated: '2017-12-04T14:42:31Z',
      abuse_email: 'abuse@ncc.example.net',
    });
  });

  it('parses a domain registry answer and sends the normalised name', async () => {
    const res = await user.http.get('/whois/lookup?query=Example-Shop.COM');
    expect(res.status).toBe(200);
    expect(res.body.query).toBe('example-shop.com');
    expect(res.body.parsed).toEqual({
      organization: 'Example Shop Holdings Inc.',
      country: 'US',
      registrar: 'Example Registrar Services, LLC',
      created: '1995-08-13T21:00:00-0700',
      updated: '2024-08-14T00:01:34-0700',
      abuse_email: 'abuse@registrar.example.net',
    });
    expect(stub.queries).toContain('example-shop.com');
  });

  it('answers a repeated query from the cache without asking the server again', async () => {
    const first = await user.http.get('/whois/lookup?query=8.8.8.8');
    const connections = stub.connections;
    const again = await user.http.get('/whois/lookup?query=8.8.8.8');
    expect(again.body).toMatchObject({ cached: true, cache_time: first.body.cache_time, parsed: first.body.parsed });
    expect(stub.connections).toBe(connections);
  });

  it('gives up on a server that does not answer, with a timeout error in the documented shape', async () => {
    const started = Date.now();
    const res = await user.http.get('/whois/lookup?query=slow.example.com');
    expect(res.status).toBe(504);
    expect(res.body).toEqual({ ...ERROR_SHAPE, code: 'whois_timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
    // A failure is not cached: the next try asks the server again.
    const connections = stub.connections;
    expect((await user.http.get('/whois/lookup?query=slow.example.com')).status).toBe(504);
    expect(stub.connections).toBe(connections + 1);
  });

  it.each([
    ['a shell command after an address', '8.8.8.8; rm -rf /'],
    ['command substitution', '$(id)'],
    ['backticks', '`id`'],
    ['a command after a domain', 'example.com && cat /etc/passwd'],
    ['a second query line', '8.8.8.8\r\n193.0.6.139'],
    ['whois client flags', '-h evil.example example.com'],
    ['300 characters', 'x'.repeat(300)],
    ['a 303-character domain', `${'a.'.repeat(150)}com`],
    ['a private address', '10.0.0.1'],
    ['a single-label name', 'localhost'],
  ])('refuses %s with 400 and opens no connection', async (_, query) => {
    const before = stub.connections;
    const res = await user.http.get(`/whois/lookup?query=${encodeURIComponent(query)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(ERROR_SHAPE);
    expect(stub.connections).toBe(before);
  });

  it('refuses a missing query, two different values, and a domain passed as ip', async () => {
    const before = stub.connections;
    expect((await user.http.get('/whois/lookup')).status).toBe(400);
    expect((await user.http.get('/whois/lookup?query=8.8.8.8&ip=1.1.1.1')).status).toBe(400);
    const domainAsIp = await user.http.get('/whois/lookup?ip=example-shop.com');
    expect(domainAsIp.status).toBe(400);
    expect(domainAsIp.body.code).toBe('invalid_ip');
    expect((await user.http.get('/whois/lookup?query=8.8.8.8&extra=1')).status).toBe(400);
    expect(stub.connections).toBe(before);
  });
});

describe('WHOIS server unreachable', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    // A port nothing listens on: taken from a stub that is closed again at once.
    const gone = await startWhoisStub(() => '');
    const port = gone.port;
    await gone.close();
    t = await startTestApp('pglite', { WHOIS_SERVER: '127.0.0.1', WHOIS_PORT: String(port) });
    user = await registerUser(new Http(t.url), 'whois-down');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 502 with the reason', async () => {
    const res = await user.http.get('/whois/lookup?query=8.8.8.8');
    expect(res.status).toBe(502);
    expect(res.body).toEqual({
      ...ERROR_SHAPE,
      code: 'whois_unreachable',
      error: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
