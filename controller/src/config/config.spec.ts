import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'nw-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('defaults to the embedded stores, port 8080 and a local agent', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir, localAgent: true, databaseUrl: undefined, clickhouseUrl: undefined });
  });

  it('registers by invitation unless REGISTRATION opens or closes it, and refuses other values', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).registration).toBe('invite');
    expect(loadConfig({ DATA_DIR: dataDir, REGISTRATION: 'open' }).registration).toBe('open');
    expect(loadConfig({ DATA_DIR: dataDir, REGISTRATION: 'closed' }).registration).toBe('closed');
    expect(() => loadConfig({ DATA_DIR: dataDir, REGISTRATION: 'sometimes' })).toThrow(/REGISTRATION must be one of open, invite, closed/);
  });

  it('keeps audit entries a year unless AUDIT_RETENTION_DAYS says otherwise (0: forever)', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).auditRetentionDays).toBe(365);
    expect(loadConfig({ DATA_DIR: dataDir, AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
  });

  it('bounds on-demand runs and running speed tests (RUNS_MAX_PER_AGENT, RUNS_MAX_PER_WORKSPACE, SPEEDTEST_MAX_RUNNING)', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).runs).toEqual({ maxPerAgent: 2, maxPerWorkspace: 10, speedtestMaxRunning: 2 });
    expect(loadConfig({ DATA_DIR: dataDir, RUNS_MAX_PER_AGENT: '5', RUNS_MAX_PER_WORKSPACE: '50', SPEEDTEST_MAX_RUNNING: '1' }).runs).toEqual({
      maxPerAgent: 5,
      maxPerWorkspace: 50,
      speedtestMaxRunning: 1,
    });
    expect(() => loadConfig({ DATA_DIR: dataDir, SPEEDTEST_MAX_RUNNING: '0' })).toThrow(/SPEEDTEST_MAX_RUNNING must be between 1 and 1000/);
    expect(() => loadConfig({ DATA_DIR: dataDir, RUNS_MAX_PER_AGENT: 'many' })).toThrow(/RUNS_MAX_PER_AGENT/);
  });

  it('bounds the speed-test endpoints (SPEEDTEST_MAX_BYTES, SPEEDTEST_MAX_CONCURRENT_STREAMS, SPEEDTEST_RATE_LIMIT_*)', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).speedtest).toEqual({ maxBytes: 104_857_600, maxConcurrentStreams: 8, rateLimit: { perMinute: 300, burst: 200 } });
    const set = { SPEEDTEST_MAX_BYTES: '1048576', SPEEDTEST_MAX_CONCURRENT_STREAMS: '2', SPEEDTEST_RATE_LIMIT_PER_MINUTE: '10', SPEEDTEST_RATE_LIMIT_BURST: '5' };
    expect(loadConfig({ DATA_DIR: dataDir, ...set }).speedtest).toEqual({ maxBytes: 1_048_576, maxConcurrentStreams: 2, rateLimit: { perMinute: 10, burst: 5 } });
    expect(() => loadConfig({ DATA_DIR: dataDir, SPEEDTEST_MAX_BYTES: '1000' })).toThrow(/SPEEDTEST_MAX_BYTES must be between 65536 and 10737418240/);
    expect(() => loadConfig({ DATA_DIR: dataDir, SPEEDTEST_MAX_CONCURRENT_STREAMS: '0' })).toThrow(/SPEEDTEST_MAX_CONCURRENT_STREAMS/);
    expect(() => loadConfig({ DATA_DIR: dataDir, SPEEDTEST_RATE_LIMIT_BURST: 'lots' })).toThrow(/SPEEDTEST_RATE_LIMIT_BURST/);
  });

  it('generates a JWT secret once, keeps it 0600 in DATA_DIR and reuses it', () => {
    const first = loadConfig({ DATA_DIR: dataDir }).jwtSecret;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim()).toBe(first);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret).toBe(first);
  });

  it('serves no metrics by default; a token or a port of their own turns them on', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).metrics).toEqual({ token: undefined, port: undefined, host: '127.0.0.1' });
    expect(loadConfig({ DATA_DIR: dataDir, METRICS_TOKEN: 'scrape-token-0123456789' }).metrics.token).toBe('scrape-token-0123456789');
    expect(loadConfig({ DATA_DIR: dataDir, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ token: undefined, port: 9464, host: '0.0.0.0' });
    expect(() => loadConfig({ DATA_DIR: dataDir, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be 16 to 256 printable characters/);
    expect(() => loadConfig({ DATA_DIR: dataDir, METRICS_PORT: '8080' })).toThrow(/METRICS_PORT must differ from PORT \(8080\)/);
    expect(() => loadConfig({ DATA_DIR: dataDir, METRICS_PORT: '99999' })).toThrow(/METRICS_PORT must be between 0 and 65535/);
    expect(() => loadConfig({ DATA_DIR: dataDir, METRICS_HOST: 'not a host' })).toThrow(/METRICS_HOST must be an IP address or a host name/);
  });

  it('uses a given secret and refuses a short one', () => {
    expect(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'a-long-enough-secret' }).jwtSecret).toBe('a-long-enough-secret');
    expect(() => loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be at least 16/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must use postgres: or postgresql:/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ CLICKHOUSE_URL: 'tcp://ch:9000' }, /CLICKHOUSE_URL must use http: or https:/],
    [{ NW_LOCAL_AGENT: 'maybe' }, /NW_LOCAL_AGENT must be true\/false/],
    [{ PIN_MAX_ATTEMPTS: '0' }, /PIN_MAX_ATTEMPTS must be between 1 and 1000/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent/],
    [{ HOST: 'bad host!' }, /HOST must be an IP address or a host name/],
    [{ TRUSTED_PROXIES: '10.0.0.1,10.0.0.0/33' }, /TRUSTED_PROXIES .*"10.0.0.0\/33" is not/],
    [{ TRUSTED_PROXIES: 'proxy.example.com' }, /TRUSTED_PROXIES must be a comma-separated list/],
    [{ AUDIT_RETENTION_DAYS: '-1' }, /AUDIT_RETENTION_DAYS must be a whole number from 0 to 36500/],
  ])('refuses %j at boot with a message naming the setting', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(message);
  });

  it('names the setting and what is allowed on the error itself', () => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'LOG_LEVEL', problem: expect.stringContaining('"loud"') });
  });

  it('refuses a DATA_DIR that is not a writable directory', () => {
    const file = join(dataDir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => loadConfig({ DATA_DIR: file })).toThrow(/DATA_DIR must be a directory .*: a file is in the way/);
    expect(() => loadConfig({ DATA_DIR: join(file, 'data') })).toThrow(/DATA_DIR must be a directory .*: a file is in the way/);
  });

  it('accepts proxy names, CIDRs and IPv6 that Express understands', () => {
    expect(loadConfig({ DATA_DIR: dataDir, TRUSTED_PROXIES: 'loopback,fd00::/8,192.168.0.0/16' }).trustedProxies).toEqual(['loopback', 'fd00::/8', '192.168.0.0/16']);
  });

  it('reads servers, booleans and proxy lists', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://u:p@db:5432/nw',
      CLICKHOUSE_URL: 'https://ch:8443/default',
      NW_LOCAL_AGENT: '0',
      TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8,',
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://u:p@db:5432/nw', clickhouseUrl: 'https://ch:8443/default', localAgent: false, trustedProxies: ['10.0.0.1', '10.0.0.0/8'] });
  });
});
