import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, enroll } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { DnsStub, startDnsStub } from '../fixtures/dns-stub';
import { cityRecord, writeMmdb } from './support/mmdb-writer';

const ERROR_SHAPE = { error: expect.any(String), code: expect.any(String), request_id: expect.any(String) };
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface AgentCreds {
  headers: Record<string, string>;
}

async function enrolledAgent(t: TestApp, owner: TestUser, ws: number): Promise<AgentCreds> {
  const { agent, pin } = await createAgent(owner, ws);
  const psk = await enroll(new Http(t.url), ws, agent.id, pin);
  return { headers: { 'X-Workspace-ID': String(ws), 'X-Agent-ID': String(agent.id), 'X-Agent-PSK': psk } };
}

/** Tiny GeoIP2 databases so answers are exact and the app needs no 100 MB load. */
function writeDatabases(dir: string): Record<string, string> {
  writeMmdb(join(dir, 'city.mmdb'), {
    databaseType: 'GeoIP2-City',
    networks: [
      [
        '81.2.69.0/24',
        cityRecord({
          city: 'Vancouver',
          subdivision: 'BC',
          country: 'CA',
          countryName: 'Canada',
          latitude: 49.2827,
          longitude: -123.1207,
          accuracy: 20,
        }),
      ],
    ],
  });
  writeMmdb(join(dir, 'asn.mmdb'), {
    databaseType: 'GeoLite2-ASN',
    networks: [
      ['81.2.69.0/24', { autonomous_system_number: 852, autonomous_system_organization: 'TELUS Communications' }],
    ],
  });
  return { GEOIP_CITY_DB: join(dir, 'city.mmdb'), GEOIP_ASN_DB: join(dir, 'asn.mmdb') };
}

describe('agent API behind a trusted proxy', () => {
  let t: TestApp;
  let dns: DnsStub;
  let dir: string;
  let owner: TestUser;
  let ws: number;
  let agent: AgentCreds;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-agent-api-'));
    dns = await startDnsStub({
      '45.69.2.81.in-addr.arpa': { PTR: ['host-81-2-69-45.example.net'] },
      '1.69.2.81.in-addr.arpa': { hang: true },
    });
    t = await startTestApp('postgres', {
      ...writeDatabases(dir),
      // The test client connects from loopback, so loopback plays the reverse proxy.
      TRUSTED_PROXIES: '127.0.0.1,::1',
      LOOKUP_DNS_SERVERS: dns.server,
      LOOKUP_DNS_TIMEOUT_MS: '500',
      AGENT_API_RATE_LIMIT_BURST: '6',
      AGENT_API_RATE_LIMIT_PER_MINUTE: '1',
    });
    owner = await registerUser(new Http(t.url), 'agent-api');
    ws = (await createWorkspace(owner)).id;
    agent = await enrolledAgent(t, owner, ws);
  });
  afterAll(async () => {
    await t?.close();
    await dns?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells an agent its address, quick', async () => {
    const res = await new Http(t.url).get('/agent/api/whoami?quick=true', agent.headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ip: '127.0.0.1', timestamp: expect.stringMatching(ISO_MS) });
  });

  it('enriches the address a trusted proxy forwards, with GeoIP and reverse DNS', async () => {
    const res = await new Http(t.url).get('/agent/api/whoami', { ...agent.headers, 'X-Forwarded-For': '81.2.69.45' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ip: '81.2.69.45',
      geoip: {
        city: { name: 'Vancouver', subdivision: 'BC' },
        country: { code: 'CA', name: 'Canada' },
        asn: { number: 852, organization: 'TELUS Communications' },
        coordinates: { latitude: 49.2827, longitude: -123.1207, accuracy_radius: 20 },
      },
      reverse_dns: 'host-81-2-69-45.example.net',
      timestamp: expect.stringMatching(ISO_MS),
    });
  });

  it('refuses a wrong PSK, missing headers, another workspace, and a user token', async () => {
    const http = new Http(t.url);
    const wrong = await http.get('/agent/api/whoami?quick=true', { ...agent.headers, 'X-Agent-PSK': 'not-the-psk' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(ERROR_SHAPE);
    expect((await http.get('/agent/api/whoami?quick=true')).status).toBe(401);
    const otherWs = (await createWorkspace(owner, 'other')).id;
    expect(
      (await http.get('/agent/api/whoami?quick=true', { ...agent.headers, 'X-Workspace-ID': String(otherWs) })).status,
    ).toBe(401);
    expect((await owner.http.get('/agent/api/lookup/ip/81.2.69.45')).status).toBe(401);
    expect(
      (await http.get('/agent/api/lookup/ip/81.2.69.45', { ...agent.headers, 'X-Agent-PSK': 'x'.repeat(64) })).status,
    ).toBe(401);
  });

  it('looks up any address for an agent, reporting a failed part under errors', async () => {
    const other = await enrolledAgent(t, owner, ws);
    const http = new Http(t.url);
    const res = await http.get('/agent/api/lookup/ip/81.2.69.45', other.headers);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ip: '81.2.69.45',
      geoip: { country: { code: 'CA' }, asn: { number: 852 } },
      reverse_dns: 'host-81-2-69-45.example.net',
    });
    const slowDns = await http.get('/agent/api/lookup/ip/81.2.69.1', other.headers);
    expect(slowDns.status).toBe(200);
    expect(slowDns.body).toMatchObject({
      geoip: { city: { name: 'Vancouver' } },
      reverse_dns: null,
      errors: { reverse_dns: expect.stringMatching(/did not answer/) },
    });
    const reserved = await http.get('/agent/api/lookup/ip/10.0.0.7', other.headers);
    expect(reserved.body).toMatchObject({ ip: '10.0.0.7', geoip: { reserved: { range: '10.0.0.0/8' } } });
    const bad = await http.get(`/agent/api/lookup/ip/${encodeURIComponent('8.8.8.8;id')}`, other.headers);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ ...ERROR_SHAPE, code: 'invalid_ip' });
    expect((await http.get('/agent/api/whoami?quick=maybe', other.headers)).status).toBe(400);
  });

  it('rate limits per agent with the standard headers', async () => {
    const limited = await enrolledAgent(t, owner, ws);
    const bystander = await enrolledAgent(t, owner, ws);
    const http = new Http(t.url);
    const statuses: number[] = [];
    let last = await http.get('/agent/api/whoami?quick=true', limited.headers);
    statuses.push(last.status);
    expect(last.headers.get('ratelimit-limit')).toBe('6');
    expect(last.headers.get('ratelimit-remaining')).toBe('5');
    for (let i = 0; i < 6; i++) {
      last = await http.get('/agent/api/whoami?quick=true', limited.headers);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(last.body).toEqual({ ...ERROR_SHAPE, code: 'rate_limited' });
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(last.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(last.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    // Another agent has its own bucket.
    expect((await http.get('/agent/api/whoami?quick=true', bystander.headers)).status).toBe(200);
  });
});

describe('agent API without trusted proxies', () => {
  let t: TestApp;
  let agent: AgentCreds;

  beforeAll(async () => {
    t = await startTestApp('pglite', { LOOKUP_DNS_SERVERS: '127.0.0.1:9' });
    const owner = await registerUser(new Http(t.url), 'agent-api-direct');
    agent = await enrolledAgent(t, owner, (await createWorkspace(owner)).id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ignores X-Forwarded-For from an untrusted client and answers loopback clearly', async () => {
    const res = await new Http(t.url).get('/agent/api/whoami', { ...agent.headers, 'X-Forwarded-For': '81.2.69.45' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ip: '127.0.0.1',
      geoip: { reserved: { range: '127.0.0.0/8', description: expect.stringMatching(/loopback/) } },
      reverse_dns: null,
      timestamp: expect.stringMatching(ISO_MS),
    });
  });
});
