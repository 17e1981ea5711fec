import { isIP } from 'node:net';
import { LOG_LEVELS, LogFormat, LogLevel } from '../observability/logging/root-logger';

export type AppRole = 'api' | 'worker' | 'all';

export interface AppConfig {
  port: number;
  /** The address the HTTP server listens on: the loopback by default. */
  host: string;
  role: AppRole;
  dataDir: string;
  /** Unset: the app starts the embedded event store. */
  eventStoreUrl?: string;
  /** Unset: the app starts the embedded MongoDB-compatible server. */
  mongoUrl?: string;
  mongoDatabase: string;
  embeddedEventStorePort: number;
  embeddedMongoPort: number;
  /** Interactive GraphiQL page and schema introspection; turn off in production. */
  playground: boolean;
  introspection: boolean;
  /** How long a query with `consistentWith` waits for the read model. */
  consistencyTimeoutMs: number;
  /** How many queries may wait for a read model at once; beyond, STALE_READ at once. */
  consistencyMaxWaiters: number;
  /** How long a client has to send a whole request (headers and body). */
  requestTimeoutMs: number;
  /**
   * How many reverse proxies stand in front: the client is the address the outermost of them
   * appended to X-Forwarded-For (entries further left are whatever the client sent). 0: none.
   */
  trustProxy: number;
  /** Signs session tokens (HS256); unset on the embedded default, where one is made and kept. */
  jwtSecret?: string;
  /** How long a session token is valid. */
  sessionTtlSeconds: number;
  /**
   * Keys the hashes that stand for personal data: an address in stream names and look-ups, and
   * the input of every command in its idempotency record.
   */
  hashKey?: string;
  /** When both are set, an ADMIN with this address is created at boot. */
  adminEmail?: string;
  adminPassword?: string;
  /** Unset: e-mails are recorded in MongoDB (`sentEmails`) instead of being delivered. */
  smtpUrl?: string;
  mailFrom: string;
  /** Log-in attempts allowed per address, and per client address, in each window. */
  loginAttemptsPerAddress: number;
  loginAttemptsPerClient: number;
  loginWindowSeconds: number;
  /** How long an order may stay unpaid before it expires. */
  orderPaymentTimeoutSeconds: number;
  /** How long the payment provider has to answer an authorisation. */
  paymentTimeoutMs: number;
  /**
   * How many times a subscription tries a failing batch, then each of its events on its own,
   * before it parks the event that keeps failing and moves on.
   */
  parkAfterAttempts: number;
  /**
   * How long a worker's hold on a consumer lasts without a heartbeat (renewed every third of it):
   * a worker that dies hands its consumers over within about this time and a heartbeat.
   */
  leaseTtlSeconds: number;
  /** Readiness fails while a projection is more than this many domain events behind. */
  readyMaxLag: number;
  /** When set, GET /metrics asks for `Authorization: Bearer <it>`; unset, it is open. */
  metricsToken?: string;
  /** pino's level; `silent` logs nothing. */
  logLevel: LogLevel;
  /** One JSON object a line, or pino-pretty's human-readable lines. */
  logFormat: LogFormat;
  /** OTLP/HTTP base URL spans are sent to; unset: no tracing. */
  otlpEndpoint?: string;
  /** The `service.name` of the spans. */
  serviceName: string;
}

/** Thrown with every problem found, one per line, so a wrong setting is fixed in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the configuration from the environment. Tools that use no secret (the
 * projections command line) pass `requireSecrets: false`.
 */
export function loadConfig(
  env: Env = process.env,
  { requireSecrets = true, terminal = Boolean(process.stdout.isTTY) } = {},
): AppConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    // Plain decimal digits only: Number() would also take '0x10', '1e3' or ' 8 '.
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got '${env[name]}'`);
    return fallback;
  };
  const url = (name: string, schemes: string[]): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (!schemes.some((scheme) => raw.startsWith(`${scheme}://`))) {
      problems.push(`${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')}, got '${raw}'`);
    }
    return raw;
  };

  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (values.includes(raw as T)) return raw as T;
    problems.push(`${name} must be one of ${values.join(', ')}, got '${raw}'`);
    return fallback;
  };

  const role = (env.ROLE ?? 'all') as AppRole;
  if (!['api', 'worker', 'all'].includes(role))
    problems.push(`ROLE must be api, worker or all, got '${env.ROLE}'`);
  const production = env.NODE_ENV === 'production';
  const config: AppConfig = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    role,
    dataDir: env.DATA_DIR || 'data',
    eventStoreUrl: url('EVENTSTORE_URL', ['esdb', 'esdb+discover', 'kurrentdb', 'kdb']),
    mongoUrl: url('MONGODB_URL', ['mongodb', 'mongodb+srv']),
    mongoDatabase: env.MONGODB_DATABASE || 'meetups',
    embeddedEventStorePort: int('EMBEDDED_EVENTSTORE_PORT', 2113, 0, 65535),
    embeddedMongoPort: int('EMBEDDED_MONGODB_PORT', 27017, 0, 65535),
    playground: bool('GRAPHQL_PLAYGROUND', !production),
    introspection: bool('GRAPHQL_INTROSPECTION', !production),
    consistencyTimeoutMs: int('CONSISTENCY_TIMEOUT_MS', 5000, 0, 60_000),
    consistencyMaxWaiters: int('CONSISTENCY_MAX_WAITERS', 1000, 0, 1_000_000),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    trustProxy: int('TRUST_PROXY', 0, 0, 10),
    jwtSecret: env.JWT_SECRET || undefined,
    sessionTtlSeconds: int('SESSION_TTL_SECONDS', 3600, 60, 7 * 24 * 3600),
    hashKey: env.HASH_KEY || undefined,
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    smtpUrl: url('SMTP_URL', ['smtp', 'smtps']),
    mailFrom: env.MAIL_FROM || 'Meetups <no-reply@meetups.local>',
    loginAttemptsPerAddress: int('LOGIN_ATTEMPTS_PER_ADDRESS', 10, 1, 1_000_000),
    loginAttemptsPerClient: int('LOGIN_ATTEMPTS_PER_CLIENT', 100, 1, 1_000_000),
    loginWindowSeconds: int('LOGIN_WINDOW_SECONDS', 900, 1, 86_400),
    orderPaymentTimeoutSeconds: int('ORDER_PAYMENT_TIMEOUT_SECONDS', 900, 1, 86_400),
    paymentTimeoutMs: int('PAYMENT_TIMEOUT_MS', 5000, 10, 120_000),
    parkAfterAttempts: int('PARK_AFTER_ATTEMPTS', 10, 1, 1000),
    leaseTtlSeconds: int('LEASE_TTL_SECONDS', 6, 1, 300),
    // Lags are counted up to 10,000 events: a bound at or past it could never be passed.
    readyMaxLag: int('READY_MAX_LAG', 1000, 0, 9999),
    metricsToken: env.METRICS_TOKEN || undefined,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    // Pretty only for a person at a terminal outside production: pipes, files and containers get JSON.
    logFormat: oneOf('LOG_FORMAT', ['json', 'pretty'] as const, terminal && !production ? 'pretty' : 'json'),
    otlpEndpoint: url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http', 'https']),
    serviceName: env.OTEL_SERVICE_NAME || 'meetups-backend',
  };
  const embedded = !config.eventStoreUrl && !config.mongoUrl;
  for (const [name, value] of [
    ['JWT_SECRET', config.jwtSecret],
    ['HASH_KEY', config.hashKey],
  ] as const) {
    if (value === undefined && !embedded && requireSecrets) {
      problems.push(
        `${name} must be set when EVENTSTORE_URL or MONGODB_URL is (it is generated only on the embedded default)`,
      );
    } else if (value !== undefined && !strongSecret(value)) {
      problems.push(`${name} must be at least 32 characters with at least 16 different ones`);
    }
  }
  if (Boolean(config.adminEmail) !== Boolean(config.adminPassword)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (config.adminPassword !== undefined && config.adminPassword.length < 12) {
    problems.push('ADMIN_PASSWORD must be at least 12 characters');
  }
  if (isIP(config.host) === 0) {
    problems.push(`HOST must be an IP address to listen on (0.0.0.0: every interface), got '${config.host}'`);
  }
  if (config.metricsToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(config.metricsToken)) {
    problems.push('METRICS_TOKEN must be at least 16 printable characters, without spaces');
  }
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(config.mongoDatabase)) {
    problems.push(`MONGODB_DATABASE must be 1-63 letters, digits, '_' or '-', got '${config.mongoDatabase}'`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Long and varied enough not to be guessed: 32 characters or more, at least 16 of them different. */
export const strongSecret = (secret: string): boolean => secret.length >= 32 && new Set(secret).size >= 16;
