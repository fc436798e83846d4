import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomicSync } from '@netwatcher/shared/node';
import { z } from 'zod';
import { parseHostname } from '../common/hostname';

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
  /** Wrong PINs from one source address for one agent before that source is locked out. */
  pinMaxAttempts: number;
  /**
   * Wrong PINs for one agent from all sources together before the agent itself is locked: the
   * brute-force bound, kept above the per-source one so one noisy source cannot lock out the
   * operator enrolling from elsewhere.
   */
  pinMaxAttemptsPerAgent: number;
  pinLockSeconds: number;
  /**
   * Browser origins allowed to call REST and open sockets (`scheme://host[:port]`). Requests
   * without Origin (agents, curl) are unaffected; empty means only the controller's own origin.
   */
  allowedOrigins: string[];
  /** Origins that get CORS headers; empty means CORS is off. */
  corsOrigins: string[];
  /**
   * Results waiting for the time-series store, at most; beyond it agents are told `busy` and
   * keep their results until the queue drains. A safety valve for memory, set well above the
   * queue a saturated controller builds on its own (40-100 k in the benchmarks): refusing
   * earlier throttles agents below what the store can take (BENCHMARKS.md).
   */
  ingestMaxQueuedResults: number;
  /** Who may create an account through POST /auth/register. */
  registration: RegistrationMode;
  login: LoginSettings;
  lookups: LookupSettings;
  agentApi: AgentApiSettings;
  agentRelease: AgentReleaseSettings;
  alerts: AlertSettings;
  metrics: MetricsSettings;
  /** Days audit entries are kept (0: forever); each chain's newest entry is always kept. */
  auditRetentionDays: number;
  /** Set: the controller serves HTTPS (and Socket.IO over it) itself. */
  tls?: TlsSettings;
  networkMap: NetworkMapSettings;
  runs: RunSettings;
  speedtest: SpeedtestSettings;
}

/** The speed-test endpoints agents measure against (controller/src/speedtest, README "Speed tests"). */
export interface SpeedtestSettings {
  /** Largest download or upload one request may ask for (413 beyond). */
  maxBytes: number;
  /** Requests one agent may have in flight at once on this replica (429 beyond). */
  maxConcurrentStreams: number;
  /** Token bucket per agent on /agent/api/speedtest. */
  rateLimit: RateLimitSetting;
}

/** Network map live updates and hop names (README "Network map"). */
export interface NetworkMapSettings {
  /** Resolve hop names by reverse DNS at all (off: `hostname` stays null and no query is sent). */
  hopNames: boolean;
  /** Least time between two `network_map_update` messages of one workspace. */
  updateMinIntervalMs: number;
  /** Reverse DNS queries for hop addresses in flight at once (the rest wait in a bounded queue). */
  dnsConcurrency: number;
  /** How long a hop's name, and how long "no name", is remembered. */
  dnsTtlMs: number;
  dnsNegativeTtlMs: number;
  /** How long a map answer waits for names not cached yet; later ones appear on the next read. */
  dnsBudgetMs: number;
}

/** On-demand runs and the speed-test queue (runs/, README "On-demand runs and the speed-test queue"). */
export interface RunSettings {
  /** Runs queued or running at once per agent, and per workspace; beyond: 429. */
  maxPerAgent: number;
  maxPerWorkspace: number;
  /** Speed tests running at once on this controller (never more than one per agent). */
  speedtestMaxRunning: number;
}

/**
 * Where Prometheus scrapes `/metrics` (metrics/). Off unless one of token or port is set: with a
 * port, only that listener serves it (the API port answers 404); with a token, a scrape must
 * carry it as `Authorization: Bearer`, wherever it is served.
 */
export interface MetricsSettings {
  token?: string;
  /** A listener of its own (0: any free port); unset: metrics ride on the API port, if a token is set. */
  port?: number;
  host: string;
}

/** The certificate and key the controller serves, reloaded when either file changes. */
export interface TlsSettings {
  certFile: string;
  keyFile: string;
  /** How often both files are checked for replacement on disk. */
  reloadIntervalMs: number;
}

/** Alert delivery settings (README "Alerts"); part of the validated AppConfig. */
export interface AlertSettings {
  /** Let webhooks reach loopback, link-local and cloud-metadata addresses (off: SSRF guard). */
  webhookAllowPrivileged: boolean;
  webhookTimeoutMs: number;
  /** Attempts per notification before it goes to the dead-letter list. */
  notifyMaxAttempts: number;
  /** First retry delay; each further one doubles, capped at an hour. */
  notifyRetryBaseMs: number;
  /** How often the outbox worker looks for due notifications. */
  workerIntervalMs: number;
  /** `smtp://user:pass@host:port` or `smtps://…`; unset: e-mail rules are refused. */
  smtpUrl?: string;
  emailFrom: string;
  /** How often `agent_offline` rules are checked. */
  offlineSweepMs: number;
}

/** The single-executable agent the controller serves, signs and announces (agent-release/). */
export interface AgentReleaseSettings {
  /** Folder written by `npm run release:agent` (binary, manifest.json). */
  releaseDir: string;
  /** Ed25519 private key (PKCS#8 PEM) signing releases: operator-supplied, or generated in DATA_DIR. */
  signingKeyFile: string;
  /** True when the operator supplied the key: then it is never generated. */
  signingKeySupplied: boolean;
  /** Base URL agents and installers should use, when the Host of a request is not it (proxies). */
  publicUrl?: string;
}

/** `invite`: only e-mail addresses with a pending workspace invitation may register. */
export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** Failed logins, counted per account (in PostgreSQL) and per source address (per replica). */
export interface LoginSettings {
  maxFailuresPerAccount: number;
  maxFailuresPerSource: number;
  lockSeconds: number;
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
}

/** The PSK-authenticated HTTP API agents call (controller/src/agent-api). */
export interface AgentApiSettings {
  /** Token bucket per agent on /agent/api. */
  rateLimit: RateLimitSetting;
}

export interface RateLimitSetting {
  perMinute: number;
  burst: number;
}

/** A bad setting: names it and says what is allowed, so the operator can fix it at once. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly problem: string,
  ) {
    super(`${setting} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

/** Unset and empty both mean "use the default", as a systemd `Environment=X=` line gives "". */
const blank = (v: string | undefined): v is undefined | '' => v === undefined || v === '';

function intVar(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (blank(raw)) return;
      if (!/^\d+$/.test(raw)) ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got "${raw}"` });
      else if (Number(raw) < min || Number(raw) > max) ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${raw}` });
    })
    .transform((raw) => (blank(raw) ? fallback : Number(raw)));
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
function boolVar(fallback: boolean) {
  return z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (!blank(raw) && ![...TRUE, ...FALSE].includes(raw.toLowerCase())) {
        ctx.addIssue({ code: 'custom', message: `must be true/false (or 1/0, yes/no, on/off), got "${raw}"` });
      }
    })
    .transform((raw) => (blank(raw) ? fallback : TRUE.includes(raw.toLowerCase())));
}

/** Refuses a malformed name before anything could try to resolve it. */
function hostVar() {
  return z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (!blank(raw) && !isIP(raw) && !parseHostname(raw)) {
        ctx.addIssue({ code: 'custom', message: `must be an IP address or a host name (letters, digits, hyphens, dots), got "${raw}"` });
      }
    })
    .transform((raw) => (blank(raw) ? undefined : raw));
}

function fileVar() {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (blank(raw)) return undefined;
      const path = isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
      if (!existsSync(path)) ctx.addIssue({ code: 'custom', message: `must name an existing file, but there is none at ${path}` });
      return path;
    });
}

function urlVar(protocols: string[], example: string) {
  return z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (blank(raw)) return;
      let protocol: string;
      try {
        protocol = new URL(raw).protocol;
      } catch {
        ctx.addIssue({ code: 'custom', message: `is not a valid URL; expected e.g. ${example}` });
        return;
      }
      if (!protocols.includes(protocol)) {
        ctx.addIssue({ code: 'custom', message: `must use ${protocols.join(' or ')}, got ${protocol} (e.g. ${example})` });
      }
    })
    .transform((raw) => (blank(raw) ? undefined : raw));
}

function listVar(check: (entry: string) => boolean, allowed: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const entries = (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = entries.find((e) => !check(e));
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${allowed}; "${bad}" is not` });
      return entries;
    });
}

/** `host` or `host:port` / `[v6]:port` entries, as `dns.Resolver#setServers` takes them. */
function isDnsServer(entry: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(entry);
  const host = m?.[1] ?? m?.[2] ?? (isIP(entry) === 6 ? entry : undefined);
  return !!host && isIP(host) !== 0 && (m?.[3] === undefined || Number(m[3]) <= 65535);
}

/** What Express's `trust proxy` (proxy-addr) accepts: addresses, CIDRs and its named ranges. */
function isProxy(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * Every environment variable the controller reads, in one schema: a value it refuses never
 * reaches the code that would have crashed on it later (pino on a bad level, proxy-addr on a bad
 * proxy, getaddrinfo on a bad host).
 */
export const settingsSchema = z.object({
  PORT: intVar(8080, 0, 65535),
  HOST: hostVar(),
  DATA_DIR: z.string().optional(),
  DATABASE_URL: urlVar(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/db'),
  CLICKHOUSE_URL: urlVar(['http:', 'https:'], 'http://user:pass@host:8123/db'),
  JWT_SECRET: z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (!blank(raw) && raw.length < 16) ctx.addIssue({ code: 'custom', message: 'must be at least 16 characters (unset: one is generated into DATA_DIR)' });
    }),
  JWT_TTL_SECONDS: intVar(86400, 60, 60 * 86400),
  LOG_LEVEL: z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (!blank(raw) && !(LOG_LEVELS as readonly string[]).includes(raw)) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"` });
      }
    })
    .transform((raw) => (blank(raw) ? 'info' : raw)),
  NW_LOCAL_AGENT: boolVar(true),
  TRUSTED_PROXIES: listVar(isProxy, 'IP addresses, CIDRs (10.0.0.0/8) or loopback/linklocal/uniquelocal'),
  PIN_MAX_ATTEMPTS: intVar(5, 1, 1000),
  /** Unset: max(20, PIN_MAX_ATTEMPTS); never below PIN_MAX_ATTEMPTS (checked in loadConfig). */
  PIN_MAX_ATTEMPTS_PER_AGENT: intVar(0, 1, 100_000),
  PIN_LOCK_SECONDS: intVar(300, 1, 86400),
  INGEST_MAX_QUEUED_RESULTS: intVar(500_000, 1, 10_000_000),
  GEOIP_CITY_DB: fileVar(),
  GEOIP_COUNTRY_DB: fileVar(),
  GEOIP_ASN_DB: fileVar(),
  GEOIP_RELOAD_INTERVAL_MS: intVar(10_000, 50, 86_400_000),
  WHOIS_SERVER: hostVar(),
  WHOIS_PORT: intVar(43, 1, 65535),
  WHOIS_TIMEOUT_MS: intVar(5_000, 100, 120_000),
  LOOKUP_DNS_SERVERS: listVar(isDnsServer, 'IP addresses with an optional port (10.0.0.53, 127.0.0.1:5353, [::1]:53)'),
  LOOKUP_DNS_TIMEOUT_MS: intVar(2_000, 100, 60_000),
  GEOIP_CACHE_DAYS: intVar(3, 0, 365),
  WHOIS_CACHE_DAYS: intVar(7, 0, 365),
  LOOKUP_RATE_LIMIT_PER_MINUTE: intVar(60, 1, 1_000_000),
  LOOKUP_RATE_LIMIT_BURST: intVar(20, 1, 1_000_000),
  AGENT_API_RATE_LIMIT_PER_MINUTE: intVar(120, 1, 1_000_000),
  AGENT_API_RATE_LIMIT_BURST: intVar(30, 1, 1_000_000),
  ALLOWED_ORIGINS: originsVar(),
  CORS_ORIGINS: originsVar(),
  REGISTRATION: z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (!blank(raw) && !(REGISTRATION_MODES as readonly string[]).includes(raw.toLowerCase())) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${REGISTRATION_MODES.join(', ')}, got "${raw}"` });
      }
    })
    .transform((raw): RegistrationMode => (blank(raw) ? 'invite' : (raw.toLowerCase() as RegistrationMode))),
  LOGIN_MAX_FAILURES: intVar(5, 1, 1000),
  LOGIN_SOURCE_MAX_FAILURES: intVar(20, 1, 100_000),
  LOGIN_LOCK_SECONDS: intVar(900, 1, 86400),
  AGENT_RELEASE_DIR: z.string().optional(),
  AGENT_SIGNING_KEY_FILE: fileVar(),
  PUBLIC_URL: urlVar(['http:', 'https:'], 'https://netwatcher.example.com'),
  ALERT_WEBHOOK_ALLOW_PRIVILEGED: boolVar(false),
  ALERT_WEBHOOK_TIMEOUT_MS: intVar(10_000, 100, 120_000),
  ALERT_NOTIFY_MAX_ATTEMPTS: intVar(8, 1, 100),
  ALERT_NOTIFY_RETRY_BASE_MS: intVar(30_000, 10, 3_600_000),
  ALERT_WORKER_INTERVAL_MS: intVar(1_000, 10, 600_000),
  SMTP_URL: urlVar(['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.com:587'),
  ALERT_EMAIL_FROM: z.string().max(320).optional(),
  ALERT_OFFLINE_SWEEP_MS: intVar(30_000, 50, 3_600_000),
  METRICS_TOKEN: z
    .string()
    .optional()
    .superRefine((raw, ctx) => {
      if (!blank(raw) && !/^[\x21-\x7e]{16,256}$/.test(raw)) {
        ctx.addIssue({ code: 'custom', message: 'must be 16 to 256 printable characters without spaces (a bearer token; unset: /metrics needs METRICS_PORT)' });
      }
    })
    .transform((raw) => (blank(raw) ? undefined : raw)),
  /** -1 stands for unset: no listener of its own. */
  METRICS_PORT: intVar(-1, 0, 65535),
  METRICS_HOST: hostVar(),
  AUDIT_RETENTION_DAYS: intVar(365, 0, 36_500),
  TLS_CERT_FILE: fileVar(),
  TLS_KEY_FILE: fileVar(),
  TLS_RELOAD_INTERVAL_MS: intVar(10_000, 50, 86_400_000),
  NETWORK_MAP_UPDATE_MIN_INTERVAL_MS: intVar(5_000, 0, 3_600_000),
  NETWORK_MAP_HOP_NAMES: boolVar(true),
  NETWORK_MAP_DNS_CONCURRENCY: intVar(8, 1, 256),
  NETWORK_MAP_DNS_TTL_SECONDS: intVar(3_600, 1, 7 * 86_400),
  NETWORK_MAP_DNS_NEGATIVE_TTL_SECONDS: intVar(300, 1, 86_400),
  NETWORK_MAP_DNS_BUDGET_MS: intVar(250, 0, 10_000),
  RUNS_MAX_PER_AGENT: intVar(2, 1, 100),
  RUNS_MAX_PER_WORKSPACE: intVar(10, 1, 10_000),
  SPEEDTEST_MAX_RUNNING: intVar(2, 1, 1000),
  SPEEDTEST_MAX_BYTES: intVar(104_857_600, 65_536, 10_737_418_240),
  SPEEDTEST_MAX_CONCURRENT_STREAMS: intVar(8, 1, 1_024),
  SPEEDTEST_RATE_LIMIT_PER_MINUTE: intVar(300, 1, 1_000_000),
  SPEEDTEST_RATE_LIMIT_BURST: intVar(200, 1, 1_000_000),
}).superRefine((s, ctx) => {
  // One without the other would serve plain HTTP while the operator believes it is HTTPS.
  if (s.TLS_CERT_FILE && !s.TLS_KEY_FILE)
    ctx.addIssue({ code: 'custom', path: ['TLS_KEY_FILE'], message: 'must be set when TLS_CERT_FILE is (both or neither)' });
  if (s.TLS_KEY_FILE && !s.TLS_CERT_FILE)
    ctx.addIssue({ code: 'custom', path: ['TLS_CERT_FILE'], message: 'must be set when TLS_KEY_FILE is (both or neither)' });
});

export type Settings = z.infer<typeof settingsSchema>;

function parseSettings(env: Env): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(String(issue.path[0]), issue.message);
}

function loadLookupSettings(s: Settings): LookupSettings {
  return {
    geoipCityDb: s.GEOIP_CITY_DB,
    geoipCountryDb: s.GEOIP_COUNTRY_DB,
    geoipAsnDb: s.GEOIP_ASN_DB,
    geoipReloadIntervalMs: s.GEOIP_RELOAD_INTERVAL_MS,
    whoisServer: s.WHOIS_SERVER,
    whoisPort: s.WHOIS_PORT,
    whoisTimeoutMs: s.WHOIS_TIMEOUT_MS,
    dnsServers: s.LOOKUP_DNS_SERVERS,
    dnsTimeoutMs: s.LOOKUP_DNS_TIMEOUT_MS,
    geoipCacheDays: s.GEOIP_CACHE_DAYS,
    whoisCacheDays: s.WHOIS_CACHE_DAYS,
    userRateLimit: { perMinute: s.LOOKUP_RATE_LIMIT_PER_MINUTE, burst: s.LOOKUP_RATE_LIMIT_BURST },
  };
}

function loadAgentApiSettings(s: Settings): AgentApiSettings {
  return { rateLimit: { perMinute: s.AGENT_API_RATE_LIMIT_PER_MINUTE, burst: s.AGENT_API_RATE_LIMIT_BURST } };
}

function loadAgentReleaseSettings(s: Settings, dataDir: string): AgentReleaseSettings {
  return {
    releaseDir: resolve(process.cwd(), s.AGENT_RELEASE_DIR || './release'),
    signingKeyFile: s.AGENT_SIGNING_KEY_FILE ?? join(dataDir, 'agent-signing-key.pem'),
    signingKeySupplied: s.AGENT_SIGNING_KEY_FILE !== undefined,
    publicUrl: s.PUBLIC_URL?.replace(/\/+$/, ''),
  };
}

/** An origin as browsers send it: `scheme://host[:port]`, http or https, no path. */
function isOrigin(entry: string): boolean {
  try {
    const parsed = new URL(entry);
    return ['http:', 'https:'].includes(parsed.protocol) && parsed.origin === entry.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/** Comma-separated browser origins, each normalised to `scheme://host[:port]` as browsers send it. */
function originsVar() {
  return listVar(isOrigin, 'origins like https://panel.example.com (no path)').transform((entries) => entries.map((e) => new URL(e).origin));
}

/** The per-agent PIN bound defaults from the per-source one and may never be below it. */
function pinAttemptsPerAgent(s: Settings): number {
  if (s.PIN_MAX_ATTEMPTS_PER_AGENT === 0) return Math.max(20, s.PIN_MAX_ATTEMPTS);
  if (s.PIN_MAX_ATTEMPTS_PER_AGENT < s.PIN_MAX_ATTEMPTS) {
    throw new ConfigError('PIN_MAX_ATTEMPTS_PER_AGENT', `must be at least PIN_MAX_ATTEMPTS (${s.PIN_MAX_ATTEMPTS}), got ${s.PIN_MAX_ATTEMPTS_PER_AGENT}`);
  }
  return s.PIN_MAX_ATTEMPTS_PER_AGENT;
}

const DIR_PROBLEMS: Record<string, string> = {
  ENOTDIR: 'a file is in the way (ENOTDIR)',
  EEXIST: 'a file is in the way (ENOTDIR)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'permission denied (EPERM)',
  EROFS: 'read-only file system (EROFS)',
};

/**
 * The embedded databases, the JWT secret and the admin credentials all live in DATA_DIR, so a
 * directory the controller cannot write is refused here rather than as a stack trace from
 * whichever of them touches it first.
 */
function ensureWritableDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!statSync(dataDir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const reason = DIR_PROBLEMS[code] ?? code;
    throw new ConfigError('DATA_DIR', `must be a directory the controller can create and write, but ${dataDir} is not: ${reason}`);
  }
}

function loadMetricsSettings(s: Settings): MetricsSettings {
  const port = s.METRICS_PORT === -1 ? undefined : s.METRICS_PORT;
  if (port !== undefined && port !== 0 && port === s.PORT) {
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${s.PORT}): it is a listener of its own`);
  }
  return { token: s.METRICS_TOKEN, port, host: s.METRICS_HOST ?? '127.0.0.1' };
}

function loadAlertSettings(s: Settings): AlertSettings {
  return {
    webhookAllowPrivileged: s.ALERT_WEBHOOK_ALLOW_PRIVILEGED,
    webhookTimeoutMs: s.ALERT_WEBHOOK_TIMEOUT_MS,
    notifyMaxAttempts: s.ALERT_NOTIFY_MAX_ATTEMPTS,
    notifyRetryBaseMs: s.ALERT_NOTIFY_RETRY_BASE_MS,
    workerIntervalMs: s.ALERT_WORKER_INTERVAL_MS,
    smtpUrl: s.SMTP_URL,
    emailFrom: s.ALERT_EMAIL_FROM || 'NetWatcher <netwatcher@localhost>',
    offlineSweepMs: s.ALERT_OFFLINE_SWEEP_MS,
  };
}

/**
 * In embedded mode an operator should not have to invent a secret, but tokens must survive a
 * restart, so a generated secret is kept (0600) inside the data directory.
 */
function resolveJwtSecret(env: Settings, dataDir: string): string {
  const given = env.JWT_SECRET;
  if (given) return given;
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  // Atomic: a crash mid-write must not leave an empty secret that the next start would read.
  writeFileAtomicSync(file, secret + '\n');
  return secret;
}

/**
 * Both files are read and tried together at boot, so a wrong path, a file that is not PEM or a
 * key of another certificate stops the start naming the setting, not the first handshake.
 */
function loadTlsSettings(s: Settings): TlsSettings | undefined {
  if (!s.TLS_CERT_FILE || !s.TLS_KEY_FILE) return undefined;
  const read = (setting: string, path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(setting, `must be a readable file, but ${path} is not: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  };
  const cert = read('TLS_CERT_FILE', s.TLS_CERT_FILE);
  const key = read('TLS_KEY_FILE', s.TLS_KEY_FILE);
  try {
    new X509Certificate(cert);
  } catch {
    throw new ConfigError('TLS_CERT_FILE', `must be a PEM certificate (chain), but ${s.TLS_CERT_FILE} is not`);
  }
  try {
    createPrivateKey(key);
  } catch {
    throw new ConfigError('TLS_KEY_FILE', `must be an unencrypted PEM private key, but ${s.TLS_KEY_FILE} is not`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new ConfigError('TLS_KEY_FILE', `must be the key of the certificate in TLS_CERT_FILE (${(e as Error).message})`);
  }
  return { certFile: s.TLS_CERT_FILE, keyFile: s.TLS_KEY_FILE, reloadIntervalMs: s.TLS_RELOAD_INTERVAL_MS };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const s = parseSettings(env);
  const dataDirRaw = s.DATA_DIR || './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(process.cwd(), dataDirRaw);
  ensureWritableDir(dataDir);
  return {
    port: s.PORT,
    host: s.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: s.DATABASE_URL,
    clickhouseUrl: s.CLICKHOUSE_URL,
    jwtSecret: resolveJwtSecret(s, dataDir),
    jwtTtlSeconds: s.JWT_TTL_SECONDS,
    logLevel: s.LOG_LEVEL,
    localAgent: s.NW_LOCAL_AGENT,
    trustedProxies: s.TRUSTED_PROXIES,
    pinMaxAttempts: s.PIN_MAX_ATTEMPTS,
    pinMaxAttemptsPerAgent: pinAttemptsPerAgent(s),
    pinLockSeconds: s.PIN_LOCK_SECONDS,
    ingestMaxQueuedResults: s.INGEST_MAX_QUEUED_RESULTS,
    allowedOrigins: s.ALLOWED_ORIGINS,
    corsOrigins: s.CORS_ORIGINS,
    registration: s.REGISTRATION,
    login: {
      maxFailuresPerAccount: s.LOGIN_MAX_FAILURES,
      maxFailuresPerSource: s.LOGIN_SOURCE_MAX_FAILURES,
      lockSeconds: s.LOGIN_LOCK_SECONDS,
    },
    lookups: loadLookupSettings(s),
    agentApi: loadAgentApiSettings(s),
    agentRelease: loadAgentReleaseSettings(s, dataDir),
    alerts: loadAlertSettings(s),
    metrics: loadMetricsSettings(s),
    auditRetentionDays: s.AUDIT_RETENTION_DAYS,
    tls: loadTlsSettings(s),
    networkMap: {
      hopNames: s.NETWORK_MAP_HOP_NAMES,
      updateMinIntervalMs: s.NETWORK_MAP_UPDATE_MIN_INTERVAL_MS,
      dnsConcurrency: s.NETWORK_MAP_DNS_CONCURRENCY,
      dnsTtlMs: s.NETWORK_MAP_DNS_TTL_SECONDS * 1000,
      dnsNegativeTtlMs: s.NETWORK_MAP_DNS_NEGATIVE_TTL_SECONDS * 1000,
      dnsBudgetMs: s.NETWORK_MAP_DNS_BUDGET_MS,
    },
    runs: { maxPerAgent: s.RUNS_MAX_PER_AGENT, maxPerWorkspace: s.RUNS_MAX_PER_WORKSPACE, speedtestMaxRunning: s.SPEEDTEST_MAX_RUNNING },
    speedtest: {
      maxBytes: s.SPEEDTEST_MAX_BYTES,
      maxConcurrentStreams: s.SPEEDTEST_MAX_CONCURRENT_STREAMS,
      rateLimit: { perMinute: s.SPEEDTEST_RATE_LIMIT_PER_MINUTE, burst: s.SPEEDTEST_RATE_LIMIT_BURST },
    },
  };
}
