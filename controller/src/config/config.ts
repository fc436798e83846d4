import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomicSync } from '@netwatcher/shared/node';
import { parseHostname } from '../common/hostname';
import type { AlertSettings } from '../alerts/alert-settings';

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
  /**
   * Results waiting for the time-series store, at most; beyond it agents are told `busy` and
   * keep their results until the queue drains. A safety valve for memory, set well above the
   * queue a saturated controller builds on its own (40-100 k in the benchmarks): refusing
   * earlier throttles agents below what the store can take (BENCHMARKS.md).
   */
  ingestMaxQueuedResults: number;
  lookups: LookupSettings;
  alerts: AlertSettings;
}

/** GeoIP, OUI, WHOIS and the combined lookup (controller/src/lookups, /agent/api). */
export interface LookupSettings {
  /** Operator-supplied MaxMind `.mmdb` paths; unset city means the databases shipped by npm. */
  geoipCityDb?: string;
  geoipCountryDb?: string;
  geoipAsnDb?: string;
  /** How often database files are checked for replacement on disk. */
  geoipReloadIntervalMs: number;
  /** A WHOIS server (or local relay) to ask instead of discovering registries through IANA. */
  whoisServer?: string;
  whoisPort: number;
  whoisTimeoutMs: number;
  /** DNS servers for reverse DNS and hostname resolution; empty means the system resolver. */
  dnsServers: string[];
  dnsTimeoutMs: number;
  geoipCacheDays: number;
  whoisCacheDays: number;
  /** Token bucket per user on /geoip, /lookup and /whois. */
  userRateLimit: RateLimitSetting;
  /** Token bucket per agent on /agent/api. */
  agentRateLimit: RateLimitSetting;
}

export interface RateLimitSetting {
  perMinute: number;
  burst: number;
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

function fileSetting(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const path = isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
  if (!existsSync(path)) throw new ConfigError(`${name}: no file at ${path}`);
  return path;
}

function hostSetting(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  if (!isIP(raw) && !parseHostname(raw)) throw new ConfigError(`${name} must be a host name or IP address, got "${raw}"`);
  return raw;
}

/** `host` or `host:port` / `[v6]:port` entries, as `dns.Resolver#setServers` takes them. */
function dnsServersSetting(env: Env, name: string): string[] {
  const entries = (env[name] || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(entry);
    const host = m?.[1] ?? m?.[2] ?? (isIP(entry) === 6 ? entry : undefined);
    if (!host || !isIP(host) || (m?.[3] !== undefined && Number(m[3]) > 65535)) {
      throw new ConfigError(`${name}: "${entry}" is not an IP address with an optional port`);
    }
  }
  return entries;
}

function rateLimitSetting(env: Env, prefix: string, perMinute: number, burst: number): RateLimitSetting {
  return {
    perMinute: intSetting(env, `${prefix}_PER_MINUTE`, perMinute, 1, 1_000_000),
    burst: intSetting(env, `${prefix}_BURST`, burst, 1, 1_000_000),
  };
}

function loadLookupSettings(env: Env): LookupSettings {
  return {
    geoipCityDb: fileSetting(env, 'GEOIP_CITY_DB'),
    geoipCountryDb: fileSetting(env, 'GEOIP_COUNTRY_DB'),
    geoipAsnDb: fileSetting(env, 'GEOIP_ASN_DB'),
    geoipReloadIntervalMs: intSetting(env, 'GEOIP_RELOAD_INTERVAL_MS', 10_000, 50, 86_400_000),
    whoisServer: hostSetting(env, 'WHOIS_SERVER'),
    whoisPort: intSetting(env, 'WHOIS_PORT', 43, 1, 65535),
    whoisTimeoutMs: intSetting(env, 'WHOIS_TIMEOUT_MS', 5_000, 100, 120_000),
    dnsServers: dnsServersSetting(env, 'LOOKUP_DNS_SERVERS'),
    dnsTimeoutMs: intSetting(env, 'LOOKUP_DNS_TIMEOUT_MS', 2_000, 100, 60_000),
    geoipCacheDays: intSetting(env, 'GEOIP_CACHE_DAYS', 3, 0, 365),
    whoisCacheDays: intSetting(env, 'WHOIS_CACHE_DAYS', 7, 0, 365),
    userRateLimit: rateLimitSetting(env, 'LOOKUP_RATE_LIMIT', 60, 20),
    agentRateLimit: rateLimitSetting(env, 'AGENT_API_RATE_LIMIT', 120, 30),
  };
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

function loadAlertSettings(env: Env): AlertSettings {
  return {
    webhookAllowPrivileged: boolSetting(env, 'ALERT_WEBHOOK_ALLOW_PRIVILEGED', false),
    webhookTimeoutMs: intSetting(env, 'ALERT_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    notifyMaxAttempts: intSetting(env, 'ALERT_NOTIFY_MAX_ATTEMPTS', 8, 1, 100),
    notifyRetryBaseMs: intSetting(env, 'ALERT_NOTIFY_RETRY_BASE_MS', 30_000, 10, 3_600_000),
    workerIntervalMs: intSetting(env, 'ALERT_WORKER_INTERVAL_MS', 1_000, 10, 600_000),
    smtpUrl: urlSetting(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    emailFrom: env.ALERT_EMAIL_FROM || 'NetWatcher <netwatcher@localhost>',
    offlineSweepMs: intSetting(env, 'ALERT_OFFLINE_SWEEP_MS', 30_000, 50, 3_600_000),
  };
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
  const secret = randomBytes(32).toString('hex');
  // Atomic: a crash mid-write must not leave an empty secret that the next start would read.
  writeFileAtomicSync(file, secret + '\n');
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
    ingestMaxQueuedResults: intSetting(env, 'INGEST_MAX_QUEUED_RESULTS', 500_000, 1, 10_000_000),
    lookups: loadLookupSettings(env),
    alerts: loadAlertSettings(env),
  };
}
