import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROLLER_MAIN, requireBuild, startControllerProcess } from './support/processes';
import { createTestDatabase } from './support/test-app';

interface LogLine {
  level: number;
  msg: string;
  setting?: string;
  [key: string]: unknown;
}

/** Every line the controller prints must be one JSON object: that is what log shippers read. */
function parseLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONTROLLER_MAIN], {
      env: { ...process.env, NW_LOCAL_AGENT: '0', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('controller settings at boot (the built controller)', () => {
  let dir: string;
  beforeAll(() => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-boot-'));
    writeFileSync(join(dir, 'a-file'), 'not a directory');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // [setting, value, what the one line must say]
  const cases: [string, string, RegExp][] = [
    ['LOG_LEVEL', 'verbose', /LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"/],
    ['HOST', 'not_a_host!', /HOST must be an IP address or a host name/],
    ['HOST', 'a..b', /HOST must be an IP address or a host name/],
    ['TRUSTED_PROXIES', '10.0.0.0/99', /TRUSTED_PROXIES must be a comma-separated list of IP addresses, CIDRs .*"10.0.0.0\/99" is not/],
    ['TRUSTED_PROXIES', 'proxy.example.com', /TRUSTED_PROXIES must be a comma-separated list/],
    ['PORT', '99999', /PORT must be between 0 and 65535/],
    ['PORT', 'http', /PORT must be a whole number from 0 to 65535/],
    ['DATABASE_URL', 'mysql://u@db/x', /DATABASE_URL must use postgres: or postgresql:/],
    ['CLICKHOUSE_URL', 'not a url', /CLICKHOUSE_URL is not a valid URL/],
    ['JWT_SECRET', 'short', /JWT_SECRET must be at least 16 characters/],
    ['NW_LOCAL_AGENT', 'maybe', /NW_LOCAL_AGENT must be true\/false/],
    ['GEOIP_CITY_DB', '/no/such/City.mmdb', /GEOIP_CITY_DB must name an existing file/],
    ['LOOKUP_DNS_SERVERS', 'dns.example.com', /LOOKUP_DNS_SERVERS must be a comma-separated list of IP addresses/],
    ['DATA_DIR', '<file>', /DATA_DIR must be a directory the controller can create and write, .*a file is in the way/],
    ['DATA_DIR', '<file>/data', /DATA_DIR must be a directory the controller can create and write, .*a file is in the way/],
  ];

  it.each(cases)('%s=%p exits 2 with one JSON line naming it', async (setting, value, message) => {
    const resolved = value.replace('<file>', join(dir, 'a-file'));
    const env = { DATA_DIR: join(dir, 'data'), [setting]: resolved };
    const { code, output } = await runToExit(env);
    expect(code).toBe(2);
    const lines = parseLines(output);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 60, setting });
    expect(lines[0].msg).toMatch(/^configuration error: /);
    expect(lines[0].msg).toMatch(message);
  });

  it('HOST that is well-formed but not an address of this machine exits 2 naming HOST', async () => {
    // 192.0.2.1 is TEST-NET-1: never assigned to a local interface.
    // Only listen() can tell, so the app boots first (on a PostgreSQL database: quicker than PGlite).
    const database = await createTestDatabase();
    try {
      const { code, output } = await runToExit({ DATA_DIR: join(dir, 'data-host'), HOST: '192.0.2.1', DATABASE_URL: database.url });
      expect(code).toBe(2);
      const fatal = parseLines(output).filter((l) => l.level === 60);
      expect(fatal).toEqual([expect.objectContaining({ setting: 'HOST', code: 'EADDRNOTAVAIL' })]);
      expect(fatal[0].msg).toMatch(/cannot listen on 192\.0\.2\.1:0: HOST is not an address of this machine/);
    } finally {
      await database.drop();
    }
  }, 180_000);

  it('says first where it listens, which storage it uses and where the admin credentials are, logs migrations and shutdown, and lists routes only at debug', async () => {
    const database = await createTestDatabase();
    const withPassword = new URL(database.url);
    withPassword.password = 'never-logged-secret';
    withPassword.username = 'postgres';
    const controller = await startControllerProcess({ DATA_DIR: join(dir, 'data-ok'), DATABASE_URL: withPassword.toString(), PORT: '0' });
    try {
      await controller.stop('SIGTERM', 20_000);
      // Nest re-raises the signal once it has closed everything; SIGKILL would mean it hung.
      expect(controller.child.signalCode).toBe('SIGTERM');
      const output = controller.output();
      expect(output).not.toContain('never-logged-secret');
      const lines = parseLines(output);
      const info = lines.filter((l) => l.level >= 30);

      const dbName = new URL(database.url).pathname;
      expect(info[0]).toMatchObject({
        context: 'Main',
        data_dir: join(dir, 'data-ok'),
        postgres: { engine: 'postgres', server: `postgres://127.0.0.1:5432${dbName}` },
        timeseries: { engine: 'chdb', path: join(dir, 'data-ok', 'ch') },
        admin_credentials: null,
      });
      expect(info[0].msg).toMatch(/register the first user with POST \/auth\/register/);

      const listening = info.find((l) => /listening on/.test(l.msg));
      expect(listening).toMatchObject({ bind_address: '127.0.0.1', port: Number(new URL(controller.url).port) });
      expect(listening?.msg).toBe(`NetWatcher controller listening on ${controller.url}`);

      expect(info.some((l) => l.context === 'Database' && /^Migration InitialSchema\d+ has been executed successfully/.test(l.msg))).toBe(true);
      expect(info.some((l) => l.context === 'TimeSeries' && Array.isArray(l.applied))).toBe(true);
      // Nest's route and module narration stays below info.
      expect(info.filter((l) => ['RoutesResolver', 'RouterExplorer', 'InstanceLoader'].includes(String(l.context)))).toEqual([]);
      expect(info.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down on SIGTERM', 'stopped']));
    } finally {
      await controller.stop('SIGKILL');
      await database.drop();
    }
  }, 180_000);

  it('at LOG_LEVEL=debug the routes are listed', async () => {
    const database = await createTestDatabase();
    const controller = await startControllerProcess({ DATA_DIR: join(dir, 'data-debug'), LOG_LEVEL: 'debug', DATABASE_URL: database.url, PORT: '0' });
    try {
      await controller.stop('SIGTERM', 20_000);
      const routes = parseLines(controller.output()).filter((l) => l.context === 'RouterExplorer');
      expect(routes.length).toBeGreaterThan(10);
      expect(routes.every((l) => l.level === 20)).toBe(true);
    } finally {
      await controller.stop('SIGKILL');
      await database.drop();
    }
  }, 180_000);
});
