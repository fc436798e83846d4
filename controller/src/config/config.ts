import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Every setting the controller reads, validated once at boot. */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Unset means embedded PGlite in `${dataDir}/pg`. */
  databaseUrl?: string;
  /** Unset means embedded chDB in `${dataDir}/ch`. */
  clickhouseUrl?: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  logLevel: string;
  /** Starts an agent next to the controller so a fresh install shows data at once. */
  localAgent: boolean;
  /** Proxies whose X-Forwarded-For is believed (whoami). */
  trustedProxies: string[];
  pinMaxAttempts: number;
  pinLockSeconds: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function intSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolSetting(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true/false (or 1/0), got "${raw}"`);
}

function urlSetting(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

/**
 * In embedded mode an operator should not have to invent a secret, but tokens must survive a
 * restart, so a generated secret is kept (0600) inside the data directory.
 */
function resolveJwtSecret(env: Env, dataDir: string): string {
  const given = env.JWT_SECRET;
  if (given) {
    if (given.length < 16) throw new ConfigError('JWT_SECRET must be at least 16 characters');
    return given;
  }
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const dataDirRaw = env.DATA_DIR || './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(process.cwd(), dataDirRaw);
  return {
    port: intSetting(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl: urlSetting(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    clickhouseUrl: urlSetting(env, 'CLICKHOUSE_URL', ['http:', 'https:']),
    jwtSecret: resolveJwtSecret(env, dataDir),
    jwtTtlSeconds: intSetting(env, 'JWT_TTL_SECONDS', 86400, 60, 60 * 86400),
    logLevel: env.LOG_LEVEL || 'info',
    localAgent: boolSetting(env, 'NW_LOCAL_AGENT', true),
    trustedProxies: (env.TRUSTED_PROXIES || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    pinMaxAttempts: intSetting(env, 'PIN_MAX_ATTEMPTS', 5, 1, 1000),
    pinLockSeconds: intSetting(env, 'PIN_LOCK_SECONDS', 300, 1, 86400),
  };
}
