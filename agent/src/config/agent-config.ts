import { isAbsolute, resolve } from 'node:path';
import { AgentExit, ExitCode } from '../exit-codes';
import { LOG_LEVELS, type LogLevel } from '../log';
import { DEFAULT_SPOOL_MAX } from '../spool/spool';
import { defaultConfigPath, defaultDataDir } from './default-paths';

/** Options of `netwatcher-agent run` as commander hands them over (all strings, all optional). */
export interface RunFlags {
  controller?: string;
  workspace?: string;
  agent?: string;
  pin?: string;
  config?: string;
  dataDir?: string;
  logLevel?: string;
  spoolMax?: string;
}

/** The JSON config file. Unknown keys are kept when the agent rewrites it. */
export interface ConfigFileContent {
  controller?: unknown;
  workspace_id?: unknown;
  agent_id?: unknown;
  psk?: unknown;
  [key: string]: unknown;
}

export interface AgentConfig {
  configPath: string;
  /** Base URL without a trailing slash. */
  controller: string;
  workspaceId: number;
  agentId: number;
  pin: string | null;
  /** Null when there is none, or when the file's PSK belongs to another workspace/agent id. */
  psk: string | null;
  /** Set when the file held a PSK that was not used, so the agent can say why it enrolls. */
  pskIgnored: string | null;
  dataDir: string;
  logLevel: LogLevel;
  spoolMax: number;
  /** Ed25519 public key (PEM) pinned at install; self-updates must be signed by it. */
  updatePublicKey: string | null;
}

export const ENV = {
  controller: 'NW_CONTROLLER_URL',
  workspace: 'NW_WORKSPACE_ID',
  agent: 'NW_AGENT_ID',
  pin: 'NW_PIN',
  config: 'NW_CONFIG',
  dataDir: 'NW_DATA_DIR',
  logLevel: 'NW_LOG_LEVEL',
  spoolMax: 'NW_SPOOL_MAX',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

interface Picked {
  value: unknown;
  source: string;
}

const MAX_ID = 2_147_483_647;

/** Which config file: --config, then NW_CONFIG, then the default for this user. */
export function resolveConfigPath(flags: RunFlags, env: Env, isRoot: boolean, home: string): string {
  const chosen = nonEmpty(flags.config) ?? nonEmpty(env[ENV.config]) ?? defaultConfigPath(isRoot, home);
  return isAbsolute(chosen) ? chosen : resolve(chosen);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * Merges flags > environment > config file and validates everything at once, so the operator
 * sees every problem in one go. Pure: the caller reads the file and the environment.
 */
export function resolveAgentConfig(input: { flags: RunFlags; env: Env; file: ConfigFileContent | null; configPath: string }): AgentConfig {
  const { flags, env, file, configPath } = input;
  const fileSource = (key: string): string => `"${key}" in ${configPath}`;
  const pick = (flag: keyof RunFlags, fileKey?: string): Picked | undefined => {
    const fromFlag = nonEmpty(flags[flag]);
    if (fromFlag !== undefined) return { value: fromFlag, source: `--${kebab(flag)}` };
    const envName = ENV[flag as keyof typeof ENV];
    const fromEnv = envName ? nonEmpty(env[envName]) : undefined;
    if (fromEnv !== undefined) return { value: fromEnv, source: envName };
    if (fileKey && file && file[fileKey] !== undefined && file[fileKey] !== null && file[fileKey] !== '') {
      return { value: file[fileKey], source: fileSource(fileKey) };
    }
    return undefined;
  };
  const problems: string[] = [];
  const missing = (flag: keyof RunFlags, fileKey: string): string =>
    `missing ${flag}: pass --${kebab(flag)}, set ${ENV[flag as keyof typeof ENV]}, or put "${fileKey}" in ${configPath}`;

  const controllerPick = pick('controller', 'controller');
  let controller = '';
  if (!controllerPick) problems.push(missing('controller', 'controller'));
  else {
    const parsed = parseControllerUrl(controllerPick.value);
    if (typeof parsed === 'string') problems.push(`${controllerPick.source}: ${parsed}`);
    else controller = parsed.url;
  }

  const id = (flag: 'workspace' | 'agent', fileKey: string): number => {
    const p = pick(flag, fileKey);
    if (!p) {
      problems.push(missing(flag, fileKey));
      return 0;
    }
    const n = parseId(p.value);
    if (n === null) problems.push(`${p.source}: ${flag} id must be a positive integer, got ${JSON.stringify(p.value)}`);
    return n ?? 0;
  };
  const workspaceId = id('workspace', 'workspace_id');
  const agentId = id('agent', 'agent_id');

  const pinPick = pick('pin');
  const pin = pinPick ? String(pinPick.value) : null;
  if (pin !== null && (pin.length > 64 || /\s/.test(pin))) problems.push(`${pinPick!.source}: PIN must be 1–64 characters without spaces`);

  let psk: string | null = null;
  let pskIgnored: string | null = null;
  if (file && file.psk !== undefined && file.psk !== null) {
    if (typeof file.psk !== 'string' || file.psk.length < 16 || file.psk.length > 256) {
      problems.push(`${fileSource('psk')}: must be a string of 16–256 characters (delete it and enroll again with --pin)`);
    } else if (
      (file.workspace_id !== undefined && parseId(file.workspace_id) !== workspaceId) ||
      (file.agent_id !== undefined && parseId(file.agent_id) !== agentId)
    ) {
      // The PSK was issued to the ids in the file; used for other ids it can only be refused.
      pskIgnored = `the PSK in ${configPath} belongs to workspace ${String(file.workspace_id)} agent ${String(file.agent_id)}, not workspace ${workspaceId} agent ${agentId}`;
    } else {
      psk = file.psk;
    }
  }

  const logPick = pick('logLevel');
  let logLevel: LogLevel = 'info';
  if (logPick) {
    const v = String(logPick.value).toLowerCase();
    if ((LOG_LEVELS as readonly string[]).includes(v)) logLevel = v as LogLevel;
    else problems.push(`${logPick.source}: log level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logPick.value)}`);
  }

  const spoolPick = pick('spoolMax');
  let spoolMax = DEFAULT_SPOOL_MAX;
  if (spoolPick) {
    const n = parseId(spoolPick.value);
    if (n === null || n > 10_000_000) problems.push(`${spoolPick.source}: spool max must be an integer from 1 to 10000000, got ${JSON.stringify(spoolPick.value)}`);
    else spoolMax = n;
  }

  const dataPick = pick('dataDir');
  const dataDir = dataPick ? resolve(String(dataPick.value)) : defaultDataDir(configPath);

  let updatePublicKey: string | null = null;
  if (file && file.update_public_key !== undefined && file.update_public_key !== null) {
    if (typeof file.update_public_key !== 'string' || !file.update_public_key.includes('BEGIN PUBLIC KEY')) {
      problems.push(`${fileSource('update_public_key')}: must be a PEM public key (the controller's /agent/signing-key.pem)`);
    } else updatePublicKey = file.update_public_key;
  }

  if (problems.length > 0) throw new AgentExit(ExitCode.Usage, `invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return { configPath, controller, workspaceId, agentId, pin, psk, pskIgnored, dataDir, logLevel, spoolMax, updatePublicKey };
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Positive 32-bit integer from a number or a decimal string. */
export function parseId(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_ID ? n : null;
}

/** http(s) URL, optionally with a path prefix (reverse proxy), normalised without trailing slash. */
export function parseControllerUrl(value: unknown): { url: string } | string {
  if (typeof value !== 'string') return 'controller URL must be a string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `controller URL is not a valid URL: ${JSON.stringify(value)} (expected e.g. https://netwatcher.example.com)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `controller URL must use http or https, got ${url.protocol.replace(':', '')}`;
  if (url.search || url.hash) return 'controller URL must not have a query string or fragment';
  if (url.username || url.password) return 'controller URL must not contain credentials';
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
