import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentExit, ExitCode } from '../exit-codes';
import { resolveAgentConfig, resolveConfigPath, type RunFlags } from './agent-config';
import { readConfigFile, saveEnrollment } from './config-file';

const configPath = '/etc/netwatcher/agent.json';
const PSK = 'p'.repeat(43);

function resolve(flags: RunFlags, env: Record<string, string> = {}, file: Record<string, unknown> | null = null) {
  return resolveAgentConfig({ flags, env, file, configPath });
}

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgentExit);
    expect((e as AgentExit).exitCode).toBe(ExitCode.Usage);
    return (e as AgentExit).message;
  }
  throw new Error('expected a configuration error');
}

describe('resolveConfigPath', () => {
  it('prefers --config, then NW_CONFIG, then /etc for root and ~/.config otherwise', () => {
    expect(resolveConfigPath({ config: '/a.json' }, { NW_CONFIG: '/b.json' }, true, '/root')).toBe('/a.json');
    expect(resolveConfigPath({}, { NW_CONFIG: '/b.json' }, true, '/root')).toBe('/b.json');
    expect(resolveConfigPath({}, {}, true, '/root')).toBe('/etc/netwatcher-agent/agent.json');
    expect(resolveConfigPath({}, {}, false, '/home/op')).toBe('/home/op/.config/netwatcher/agent.json');
  });
});

describe('resolveAgentConfig', () => {
  it('takes flags over env over file, per field', () => {
    const file = { controller: 'http://file:1', workspace_id: 1, agent_id: 1, psk: PSK };
    const env = { NW_CONTROLLER_URL: 'http://env:2', NW_WORKSPACE_ID: '2' };
    const c = resolve({ controller: 'https://flag:3/' }, env, file);
    expect(c).toMatchObject({ controller: 'https://flag:3', workspaceId: 2, agentId: 1 });
    // The PSK belongs to workspace 1 / agent 1; resolved ids differ, so it is not used.
    expect(c.psk).toBeNull();
    expect(c.pskIgnored).toContain('belongs to workspace 1 agent 1');
    expect(resolve({}, {}, file)).toMatchObject({ controller: 'http://file:1', workspaceId: 1, agentId: 1, psk: PSK });
  });

  it('fills defaults: spool next to the config, info level, 100,000 results', () => {
    expect(resolve({ controller: 'http://c', workspace: '1', agent: '2' })).toMatchObject({
      dataDir: '/etc/netwatcher/spool', logLevel: 'info', spoolMax: 100_000, pin: null, psk: null,
    });
    expect(resolve({ controller: 'http://c', workspace: '1', agent: '2', dataDir: '/var/x', logLevel: 'DEBUG', spoolMax: '50' }, { NW_PIN: '123456789' }))
      .toMatchObject({ dataDir: '/var/x', logLevel: 'debug', spoolMax: 50, pin: '123456789' });
  });

  it('keeps a base path of the controller URL and drops the trailing slash', () => {
    expect(resolve({ controller: 'https://h.example/nw/', workspace: '1', agent: '2' }).controller).toBe('https://h.example/nw');
  });

  it('reports every problem at once, naming where each value came from', () => {
    const msg = problems(() => resolve({ controller: 'ftp://x', agent: '0' }, { NW_LOG_LEVEL: 'loud', NW_SPOOL_MAX: '-1' }));
    expect(msg).toContain('--controller: controller URL must use http or https, got ftp');
    expect(msg).toContain('missing workspace: pass --workspace, set NW_WORKSPACE_ID, or put "workspace_id" in /etc/netwatcher/agent.json');
    expect(msg).toContain('--agent: agent id must be a positive integer, got "0"');
    expect(msg).toContain('NW_LOG_LEVEL: log level must be one of');
    expect(msg).toContain('NW_SPOOL_MAX: spool max must be an integer');
  });

  it('rejects malformed ids, URLs and PSKs', () => {
    expect(problems(() => resolve({ controller: 'not a url', workspace: '1', agent: '1' }))).toContain('not a valid URL');
    expect(problems(() => resolve({ controller: 'http://c?x=1', workspace: '1', agent: '1' }))).toContain('query string');
    expect(problems(() => resolve({ controller: 'http://c', workspace: '1.5', agent: '1' }))).toContain('workspace id must be a positive integer');
    expect(problems(() => resolve({ controller: 'http://c', workspace: '99999999999', agent: '1' }))).toContain('workspace id');
    expect(problems(() => resolve({}, {}, { controller: 'http://c', workspace_id: '1', agent_id: 1, psk: 'short' }))).toContain(
      '"psk" in /etc/netwatcher/agent.json: must be a string of 16–256 characters',
    );
    expect(problems(() => resolve({}, {}, { controller: 'http://c', workspace_id: -1, agent_id: 1 }))).toContain(
      '"workspace_id" in /etc/netwatcher/agent.json: workspace id must be a positive integer, got -1',
    );
  });

  it('never reads a PIN from the config file', () => {
    expect(resolve({}, {}, { controller: 'http://c', workspace_id: 1, agent_id: 1, pin: '123' }).pin).toBeNull();
  });
});

describe('config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nw-cfg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves the enrollment atomically with mode 0600, keeping unknown keys', async () => {
    const path = join(dir, 'sub', 'agent.json');
    await saveEnrollment(path, { note: 'kept', psk: 'old' }, { controller: 'http://c', workspace_id: 1, agent_id: 2, psk: PSK });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ note: 'kept', controller: 'http://c', workspace_id: 1, agent_id: 2, psk: PSK });
    expect(await readConfigFile(path)).toMatchObject({ psk: PSK });
  });

  it('returns null for a missing file and a usage error for a broken one', async () => {
    expect(await readConfigFile(join(dir, 'none.json'))).toBeNull();
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    await expect(readConfigFile(join(dir, 'bad.json'))).rejects.toMatchObject({ exitCode: ExitCode.Usage });
    writeFileSync(join(dir, 'array.json'), '[]');
    await expect(readConfigFile(join(dir, 'array.json'))).rejects.toThrow('must contain a JSON object');
  });
});
