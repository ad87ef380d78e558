import { z } from 'zod';
import { LEVEL_RULE, PinoLevel, pinoLevel } from '../common/log-levels';
import { parseSecretKey } from '../common/secret-box';
import { roleUrlEnv, RoleUrlEnv, ROLES } from '../database/roles';

/**
 * Every environment variable fourfold reads, validated once at boot. A bad value stops
 * the boot with a message that names the variable; values are never echoed, so a
 * password in a URL cannot leak into a log.
 */

/** How partitioned tables are cut: one partition per period. */
export const PARTITION_PERIODS = ['day', 'week', 'month'] as const;

const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];

/** Accepts postgres:// and postgresql:// (with an optional `+driver` suffix, as some gateways write it). */
function postgresUrl() {
  return z.string().transform((value, ctx) => {
    const normalized = value.trim().replace(/^postgresql\+[a-z0-9]+:/i, 'postgresql:');
    let url: URL;
    try {
      url = new URL(normalized);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not a valid URL (expected postgres://user:password@host:port/database)' });
      return z.NEVER;
    }
    if (!POSTGRES_SCHEMES.includes(url.protocol)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must use the postgres:// or postgresql:// scheme, not ${url.protocol}//` });
      return z.NEVER;
    }
    if (!url.hostname) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'has no host' });
      return z.NEVER;
    }
    if (url.port && !(Number(url.port) > 0 && Number(url.port) < 65536)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'has an invalid port' });
      return z.NEVER;
    }
    if (url.pathname.replace(/^\//, '') === '') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'names no database (add /<database> after the host)' });
      return z.NEVER;
    }
    return normalized;
  });
}

/** Comma-separated origins (`https://console.example.com`), each a scheme, host and optional port. */
function origins() {
  return z.string().transform((value, ctx) => {
    const list = value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of list) {
      let url: URL | null = null;
      try {
        url = new URL(origin);
      } catch {
        // reported below
      }
      if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must list origins like https://console.example.com (no path, no trailing slash): ${origin}`,
        });
        return z.NEVER;
      }
    }
    return list;
  });
}

/** `<id>:<base64 of 32 bytes>`, comma-separated when `list`. Never echoed. */
function secretKeys() {
  return z.string().transform((value, ctx) => {
    const keys = [];
    for (const text of value.split(',').filter((t) => t.trim())) {
      const key = parseSecretKey(text);
      if (typeof key === 'string') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: key });
        return z.NEVER;
      }
      keys.push(key);
    }
    if (new Set(keys.map((k) => k.id)).size !== keys.length) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'names a key id twice' });
      return z.NEVER;
    }
    return keys;
  });
}

/** An unset or empty variable means "not configured". */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const bool = (fallback: boolean) =>
  optional(
    z.string().transform((v, ctx) => {
      const s = v.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(s)) return true;
      if (['false', '0', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be true or false' });
      return z.NEVER;
    }),
  ).transform((v) => v ?? fallback);

const int = (fallback: number, min: number, max: number) =>
  optional(
    z
      .string()
      .regex(/^\s*\d+\s*$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
  ).transform((v) => v ?? fallback);

const period = (fallback: (typeof PARTITION_PERIODS)[number]) => optional(z.enum(PARTITION_PERIODS)).transform((v) => v ?? fallback);
/** pino's names or the stored ones (common/log-levels.ts), to the pino level the logger takes. */
const logLevel = (fallback: PinoLevel) =>
  optional(
    z
      .string()
      .refine((v) => pinoLevel(v) !== undefined, LEVEL_RULE)
      .transform((v) => pinoLevel(v)!),
  ).transform((v): PinoLevel => v ?? fallback);

const databaseUrl = () => optional(postgresUrl());

/** The built-in mappings from a gateway's spans to execution metric rows (src/metrics/from-spans/span-profiles.ts). */
export const SPAN_PROFILES = ['contextforge', 'mcp-semconv'] as const;
export type SpanProfileName = (typeof SPAN_PROFILES)[number];

/** `off`, or a comma list of profile names (default: all of them), each once. */
const spanProfiles = () =>
  optional(
    z.string().transform((value, ctx) => {
      const list = value
        .split(',')
        .map((p) => p.trim().toLowerCase())
        .filter(Boolean);
      if (list.length === 1 && list[0] === 'off') return [] as SpanProfileName[];
      const unknown = list.filter((p) => !(SPAN_PROFILES as readonly string[]).includes(p));
      if (unknown.length > 0 || list.length === 0 || new Set(list).size !== list.length) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must be off or a comma list of ${SPAN_PROFILES.join(', ')}, each once${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
        });
        return z.NEVER;
      }
      return list as SpanProfileName[];
    }),
  ).transform((v) => v ?? [...SPAN_PROFILES]);

/** DATABASE_URL and one <ROLE>_DATABASE_URL per optional role. */
const roleUrls = Object.fromEntries(ROLES.map((role) => [roleUrlEnv(role), databaseUrl()])) as Record<
  RoleUrlEnv,
  ReturnType<typeof databaseUrl>
>;

export const envSchema = z.object({
  ...roleUrls,
  LOGS_DB_DURABLE: bool(true),
  DB_POOL_SIZE: int(10, 1, 1000),
  DB_CONNECT_TIMEOUT_MS: int(5000, 100, 600_000),
  HEALTH_CHECK_TIMEOUT_MS: int(2000, 50, 60_000),
  PORT: int(3000, 0, 65535),
  MIGRATIONS_RUN: bool(true),
  EMBEDDED_PG_PORT: int(54329, 1, 65535),
  EMBEDDED_PG_DATA_DIR: optional(z.string()).transform((v) => v ?? '.data/postgres'),
  PARTITION_MAINTENANCE_ENABLED: bool(true),
  PARTITION_MAINTENANCE_INTERVAL_SECONDS: int(3600, 10, 86_400),
  PARTITION_PREMAKE: int(7, 1, 366),
  PARTITION_LOCK_TIMEOUT_MS: int(2000, 10, 60_000),
  /** Rows moved out of a DEFAULT partition per transaction. */
  PARTITION_DRAIN_BATCH_ROWS: int(10_000, 100, 1_000_000),
  METRICS_PARTITION_PERIOD: period('day'),
  LOGS_PARTITION_PERIOD: period('day'),
  AUDIT_PARTITION_PERIOD: period('week'),
  METRICS_RETENTION_DAYS: int(90, 1, 36_500),
  LOGS_RETENTION_DAYS: int(90, 1, 36_500),
  AUDIT_RETENTION_DAYS: int(365, 1, 36_500),
  OBSERVABILITY_PARTITION_PERIOD: period('day'),
  OBSERVABILITY_RETENTION_DAYS: int(7, 1, 36_500),
  LOG_LEVEL: logLevel('info'),
  /** Log records at or above this level are also stored in structured_log_entries. */
  LOG_DB_LEVEL: logLevel('info'),
  ADMIN_EMAIL: optional(z.string().trim().toLowerCase().email('must be an email address')).transform((v) => v ?? 'admin@fourfold.local'),
  /** Secret: the first admin's token, instead of a generated one. Never logged. */
  ADMIN_TOKEN: optional(z.string().min(32, 'must be at least 32 characters').max(512, 'must be at most 512 characters')),
  STATUS_PUBLIC: bool(false),
  /** `production` is production mode: secrets are refused unless SECRET_KEY is set. */
  NODE_ENV: optional(z.string().trim()),
  /** Secret: the AES-256-GCM key sealing registry secrets at rest, `<id>:<base64 of 32 bytes>`. Never logged. */
  SECRET_KEY: optional(secretKeys().refine((keys) => keys.length === 1, 'must be exactly one key')).transform((v) => v?.[0] ?? null),
  /** Secret: keys that sealed values before a rotation (opened, never used to seal), comma-separated. */
  SECRET_KEYS_PREVIOUS: optional(secretKeys()).transform((v) => v ?? []),
  /** GET /metrics (Prometheus) answers without a token; otherwise it needs an admin token. */
  METRICS_ENDPOINT_PUBLIC: bool(false),
  /** Also serve GET /metrics, without a token, on this port (for in-cluster scraping); 0: no such port. */
  METRICS_PORT: int(0, 0, 65535),
  AUTH_FAILURE_THRESHOLD: int(10, 1, 100_000),
  AUTH_FAILURE_WINDOW_SECONDS: int(60, 1, 86_400),
  AUTH_BLOCK_SECONDS: int(300, 1, 86_400),
  /** New users (created by an admin, an invitation or a sign-in) wait in pending_user_approvals until an admin approves them. */
  USER_APPROVAL_REQUIRED: bool(false),
  /** Largest accepted request body; larger bodies answer 413. */
  HTTP_MAX_BODY_BYTES: int(4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
  /** Deepest nesting of objects and arrays in a JSON body. */
  HTTP_JSON_MAX_DEPTH: int(64, 2, 1000),
  /** Keys and elements in one field of a JSON body, and distinct key names in a body (five times as many keys in all). */
  HTTP_JSON_MAX_KEYS: int(10_000, 10, 1_000_000),
  /** Browser origins allowed to call the API (CORS); unset: CORS off. */
  CORS_ALLOWED_ORIGINS: optional(origins()).transform((v) => v ?? []),

  // Buffered COPY writer (src/writer), shared by every role.
  WRITER_BATCH_ROWS: int(5000, 1, 1_000_000),
  WRITER_FLUSH_MS: int(500, 10, 600_000),
  WRITER_MAX_QUEUE_ROWS: int(100_000, 1, 100_000_000),
  WRITER_CONCURRENCY: int(2, 1, 64),
  WRITER_PROBE_MS: int(2000, 50, 600_000),
  /** A COPY transaction (or probe) that takes longer is abandoned: its connection is cut and the batch spooled. */
  WRITER_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  SPOOL_DIR: optional(z.string()).transform((v) => v ?? '.data/spool'),
  SPOOL_MAX_MB: int(1024, 1, 10_000_000),

  // Execution metrics (src/metrics).
  METRICS_INGEST_MAX_BATCH: int(1000, 1, 100_000),
  /** Longest response time an execution may report, in seconds. */
  METRICS_MAX_RESPONSE_TIME_SECONDS: int(86_400, 1, 31_536_000),
  METRICS_NAME_CACHE_TTL_MS: int(5000, 0, 86_400_000),
  METRICS_ROLLUP_ENABLED: bool(true),
  METRICS_ROLLUP_INTERVAL_SECONDS: int(300, 1, 86_400),
  /** Hours one rollup transaction recomputes at most (a backfill is rolled up in chunks). */
  METRICS_ROLLUP_CHUNK_HOURS: int(24, 1, 24 * 7),
  /** Hourly rollup rows older than this are deleted; daily rows older than the next. */
  METRICS_HOURLY_RETENTION_DAYS: int(180, 1, 36_500),
  METRICS_DAILY_RETENTION_DAYS: int(730, 1, 36_500),
  /** Which mapping profiles turn ingested spans into execution metric rows; `off`: none. */
  METRICS_FROM_SPANS: spanProfiles(),
  PERFORMANCE_ENABLED: bool(true),
  PERFORMANCE_SNAPSHOT_SECONDS: int(60, 1, 86_400),

  // MCP sessions (src/sessions) and the purge of expired core rows (src/core/purge).
  /** A session idle longer than this is gone: refused at once, purged with its messages by the next purge run. */
  MCP_SESSION_TTL_SECONDS: int(3600, 10, 30 * 86_400),
  /** Runs the purge of expired sessions, messages, OAuth states and SSO logins on this replica. */
  CORE_PURGE_ENABLED: bool(true),
  CORE_PURGE_INTERVAL_SECONDS: int(60, 1, 86_400),
  /** Rows deleted per purge transaction. */
  CORE_PURGE_BATCH_ROWS: int(5000, 10, 1_000_000),
  /** How long a purge statement waits for a lock before it leaves the rows to the next run. */
  CORE_PURGE_LOCK_TIMEOUT_MS: int(1000, 10, 60_000),

  /** How often each replica looks for a change of the global settings (a read of their version). */
  GLOBAL_SETTINGS_REFRESH_MS: int(2000, 100, 600_000),

  /** How long an SSO login may take between /auth/sso/{provider}/login and its callback. */
  SSO_LOGIN_TTL_SECONDS: int(600, 30, 3600),
  /** Lifetime of the token an SSO login ends in. */
  SSO_TOKEN_TTL_SECONDS: int(86_400, 60, 365 * 86_400),
  /** Accept http:// issuers (development and tests only; never in production). */
  SSO_ALLOW_HTTP_ISSUERS: bool(false),

  // Traces (src/observability).
  /** Spans per OTLP request; a request with more answers 413 (gRPC: RESOURCE_EXHAUSTED). */
  TRACES_MAX_SPANS_PER_REQUEST: int(50_000, 1, 1_000_000),
  TRACES_FOLD_INTERVAL_SECONDS: int(300, 0, 86_400),
  /** Data points per OTLP metrics request; likewise. */
  OTLP_MAX_DATA_POINTS_PER_REQUEST: int(50_000, 1, 1_000_000),
  /** Log records per OTLP logs request; likewise. */
  OTLP_MAX_LOG_RECORDS_PER_REQUEST: int(50_000, 1, 1_000_000),
  /** fourfold's own spans are stored in its observability role (read before boot by src/observability/self-tracing). */
  OBSERVABILITY_SELF_TRACES: bool(false),

  // OTLP receivers (src/otlp): gRPC and HTTP on their standard ports; 0 turns one off.
  OTLP_GRPC_PORT: int(4317, 0, 65535),
  OTLP_HTTP_PORT: int(4318, 0, 65535),
  /** PEM certificate (chain) and key files: OTLP/gRPC over TLS. Both or neither. */
  OTLP_GRPC_TLS_CERT: optional(z.string().trim().min(1)),
  OTLP_GRPC_TLS_KEY: optional(z.string().trim().min(1)),
});

export type Env = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment. Throws ConfigError naming each bad variable (never its value). */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(env);
  if (result.success) {
    const active = result.data.SECRET_KEY;
    if (active && result.data.SECRET_KEYS_PREVIOUS.some((k) => k.id === active.id))
      throw new ConfigError([`SECRET_KEYS_PREVIOUS names the key id of SECRET_KEY ("${active.id}"): give the new key a new id`]);
    if (!result.data.OTLP_GRPC_TLS_CERT !== !result.data.OTLP_GRPC_TLS_KEY)
      throw new ConfigError(['OTLP_GRPC_TLS_CERT and OTLP_GRPC_TLS_KEY go together: set both (TLS) or neither']);
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const message = issue.code === z.ZodIssueCode.invalid_enum_value ? `must be one of ${issue.options.join(', ')}` : issue.message;
    return `${variable} ${message}`;
  });
  throw new ConfigError(problems);
}
