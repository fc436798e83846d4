import { ConfigError, loadConfig } from './config';

const base = { JWT_SECRET: 'a-secret-that-is-long-enough', DATA_DIR: '/tmp/nw-config-spec' };
const lookups = (env: Record<string, string>) => loadConfig({ ...base, ...env }).lookups;

describe('lookup settings', () => {
  it('has working defaults', () => {
    expect(lookups({})).toEqual({
      geoipCityDb: undefined,
      geoipCountryDb: undefined,
      geoipAsnDb: undefined,
      geoipReloadIntervalMs: 10_000,
      whoisServer: undefined,
      whoisPort: 43,
      whoisTimeoutMs: 5000,
      dnsServers: [],
      dnsTimeoutMs: 2000,
      geoipCacheDays: 3,
      whoisCacheDays: 7,
      userRateLimit: { perMinute: 60, burst: 20 },
    });
  });

  it('reads a WHOIS relay, DNS servers and limits', () => {
    expect(
      lookups({
        WHOIS_SERVER: 'whois-relay.corp.example',
        WHOIS_PORT: '4343',
        LOOKUP_DNS_SERVERS: '10.0.0.53, 127.0.0.1:5353,[::1]:53,::1',
        LOOKUP_RATE_LIMIT_BURST: '5',
        WHOIS_CACHE_DAYS: '0',
      }),
    ).toMatchObject({
      whoisServer: 'whois-relay.corp.example',
      whoisPort: 4343,
      dnsServers: ['10.0.0.53', '127.0.0.1:5353', '[::1]:53', '::1'],
      userRateLimit: { perMinute: 60, burst: 5 },
      whoisCacheDays: 0,
    });
  });

  it.each([
    ['WHOIS_SERVER', 'whois.example.com; rm -rf /'],
    ['WHOIS_PORT', '70000'],
    ['LOOKUP_DNS_SERVERS', 'dns.example.com'],
    ['LOOKUP_DNS_SERVERS', '127.0.0.1:99999'],
    ['GEOIP_CITY_DB', '/no/such/GeoLite2-City.mmdb'],
    ['LOOKUP_RATE_LIMIT_PER_MINUTE', '0'],
  ])('refuses %s=%p at start-up', (name, value) => {
    expect(() => lookups({ [name]: value })).toThrow(ConfigError);
    expect(() => lookups({ [name]: value })).toThrow(name);
  });
});

describe('agent API settings', () => {
  const agentApi = (env: Record<string, string>) => loadConfig({ ...base, ...env }).agentApi;

  it('has its own rate limit, 120 per minute with a burst of 30 by default', () => {
    expect(agentApi({})).toEqual({ rateLimit: { perMinute: 120, burst: 30 } });
    expect(agentApi({ AGENT_API_RATE_LIMIT_PER_MINUTE: '1', AGENT_API_RATE_LIMIT_BURST: '6' })).toEqual({
      rateLimit: { perMinute: 1, burst: 6 },
    });
  });

  it('is not part of the lookup settings', () => {
    expect(lookups({})).not.toHaveProperty('agentRateLimit');
  });

  it.each(['AGENT_API_RATE_LIMIT_PER_MINUTE', 'AGENT_API_RATE_LIMIT_BURST'])('refuses %s=0 at start-up', (name) => {
    expect(() => agentApi({ [name]: '0' })).toThrow(name);
  });
});
