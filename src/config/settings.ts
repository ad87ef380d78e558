import { Inject } from '@nestjs/common';
import { ConfigFactory, getConfigToken, registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import { SecretKeys } from '../common/secret-box';
import { Env, PARTITION_PERIODS, SpanProfileName } from './configuration';

/**
 * Typed settings, one object per area, built once from the validated environment
 * (parseEnv), registered as @nestjs/config namespaces and injected where they are used: `@InjectSettings('writer') settings: WriterSettings`.
 * Nothing reads an environment key at the point of use.
 */

export type PartitionPeriod = (typeof PARTITION_PERIODS)[number];

/** Partitioned tables that share a period and a retention. */
export const PARTITION_GROUPS = ['metrics', 'logs', 'audit', 'observability'] as const;
export type PartitionGroup = (typeof PARTITION_GROUPS)[number];

export interface DatabaseSettings {
  poolSize: number;
  connectTimeoutMs: number;
  /** Apply pending migrations at start. */
  migrationsRun: boolean;
  /** LOGS_DB_DURABLE: logs writes commit with synchronous_commit on. */
  logsDurable: boolean;
  embedded: { port: number; dataDir: string };
}

export interface HttpSettings {
  port: number;
  maxBodyBytes: number;
  /** A second port serving only GET /metrics, without a token; 0: none. */
  metricsPort: number;
  /** Bounds on JSON bodies, checked on the raw bytes before parsing (src/http/json-guard.ts). */
  json: { maxDepth: number; maxKeys: number };
  /** Origins allowed cross-origin (CORS); empty: CORS off. */
  corsAllowedOrigins: string[];
}

export interface HealthSettings {
  /** A probe or status query that takes longer is reported as failed. */
  checkTimeoutMs: number;
}

export interface AuthSettings {
  adminEmail: string;
  /** Secret: never logged. */
  adminToken: string | undefined;
  statusPublic: boolean;
  /** GET /metrics without a token. */
  metricsPublic: boolean;
  failureThreshold: number;
  failureWindowSeconds: number;
  blockSeconds: number;
  /** USER_APPROVAL_REQUIRED: a new user is inactive until an admin approves it. */
  userApprovalRequired: boolean;
}

export interface LoggingSettings {
  level: Env['LOG_LEVEL'];
  /** Records at or above this level are also stored in structured_log_entries. */
  dbLevel: Env['LOG_DB_LEVEL'];
}

export interface WriterSettings {
  batchRows: number;
  flushMs: number;
  maxQueueRows: number;
  concurrency: number;
  probeMs: number;
  /** A COPY transaction (or probe) that takes longer is abandoned: its connection is cut and the batch spooled. */
  timeoutMs: number;
  /** Absolute. */
  spoolDir: string;
  spoolMaxBytes: number;
}

export interface MetricsSettings {
  ingestMaxBatch: number;
  /** Longest response time an execution may report, in seconds. */
  maxResponseTimeSeconds: number;
  /** How far back an execution's timestamp may go (METRICS_RETENTION_DAYS). */
  retentionDays: number;
  nameCacheTtlMs: number;
  rollup: {
    enabled: boolean;
    intervalMs: number;
    /** Hours one rollup transaction recomputes at most. */
    chunkHours: number;
    hourlyRetentionDays: number;
    dailyRetentionDays: number;
  };
  performance: { enabled: boolean; snapshotMs: number };
  /** Mapping profiles deriving execution rows from ingested spans, in order (first match wins); empty: off. */
  fromSpans: SpanProfileName[];
}

export interface TracesSettings {
  /** Largest OTLP body, after decompression (HTTP_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  maxSpansPerRequest: number;
  /** Data points in one metrics export (OTLP_MAX_DATA_POINTS_PER_REQUEST). */
  maxDataPointsPerRequest: number;
  /** Log records in one logs export (OTLP_MAX_LOG_RECORDS_PER_REQUEST). */
  maxLogRecordsPerRequest: number;
  /** Spans that start longer ago than this are refused: their partition is already gone. */
  retentionDays: number;
  /** Bounds on an OTLP/JSON body before it is parsed: nesting and distinct key names (HTTP_JSON_MAX_*). */
  json: { maxDepth: number; maxKeys: number };
  /** How often closed hours of spans are folded for the Jaeger API's service graph and operations (TRACES_FOLD_INTERVAL_SECONDS); 0: never, reads scan raw spans. */
  foldIntervalMs: number;
}

export interface OtlpSettings {
  /** OTLP/gRPC port (OTLP_GRPC_PORT); 0: no gRPC receiver. */
  grpcPort: number;
  /** OTLP/HTTP port (OTLP_HTTP_PORT); 0: /v1/* on the API port only. */
  httpPort: number;
  /** PEM files for OTLP/gRPC over TLS; null: plaintext. */
  grpcTls: { certFile: string; keyFile: string } | null;
  /** Largest message, received or inflated (HTTP_MAX_BODY_BYTES, the HTTP body cap). */
  maxMessageBytes: number;
}

export interface SessionSettings {
  /** MCP_SESSION_TTL_SECONDS */
  ttlSeconds: number;
}

export interface GlobalSettingsConfig {
  /** GLOBAL_SETTINGS_REFRESH_MS */
  refreshMs: number;
}

export interface SsoSettings {
  loginTtlSeconds: number;
  tokenSeconds: number;
  allowHttpIssuers: boolean;
}

/** The scheduled purge of expired core rows (src/core/purge). */
export interface PurgeSettings {
  enabled: boolean;
  intervalMs: number;
  batchRows: number;
  lockTimeoutMs: number;
}

export interface GroupPolicy {
  period: PartitionPeriod;
  retentionDays: number;
}

export interface PartitionSettings {
  enabled: boolean;
  intervalSeconds: number;
  /** Periods kept ready after the current one. */
  premake: number;
  /** How long a maintenance statement waits for a lock before it gives way to traffic. */
  lockTimeoutMs: number;
  /** Rows moved out of a DEFAULT partition per transaction. */
  drainBatchRows: number;
  groups: Record<PartitionGroup, GroupPolicy>;
}

export interface Settings {
  database: DatabaseSettings;
  http: HttpSettings;
  health: HealthSettings;
  auth: AuthSettings;
  logging: LoggingSettings;
  writer: WriterSettings;
  metrics: MetricsSettings;
  traces: TracesSettings;
  otlp: OtlpSettings;
  partitions: PartitionSettings;
  sessions: SessionSettings;
  purge: PurgeSettings;
  globalSettings: GlobalSettingsConfig;
  sso: SsoSettings;
  /** Keys sealing registry secrets at rest, and whether this is production mode (NODE_ENV=production). */
  secrets: SecretKeys;
}

export type SettingsArea = keyof Settings;

export function settingsFromEnv(env: Env): Settings {
  return {
    database: {
      poolSize: env.DB_POOL_SIZE,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      migrationsRun: env.MIGRATIONS_RUN,
      logsDurable: env.LOGS_DB_DURABLE,
      embedded: { port: env.EMBEDDED_PG_PORT, dataDir: env.EMBEDDED_PG_DATA_DIR },
    },
    http: {
      port: env.PORT,
      maxBodyBytes: env.HTTP_MAX_BODY_BYTES,
      metricsPort: env.METRICS_PORT,
      json: { maxDepth: env.HTTP_JSON_MAX_DEPTH, maxKeys: env.HTTP_JSON_MAX_KEYS },
      corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    },
    health: { checkTimeoutMs: env.HEALTH_CHECK_TIMEOUT_MS },
    auth: {
      adminEmail: env.ADMIN_EMAIL,
      adminToken: env.ADMIN_TOKEN,
      statusPublic: env.STATUS_PUBLIC,
      metricsPublic: env.METRICS_ENDPOINT_PUBLIC,
      failureThreshold: env.AUTH_FAILURE_THRESHOLD,
      failureWindowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS,
      blockSeconds: env.AUTH_BLOCK_SECONDS,
      userApprovalRequired: env.USER_APPROVAL_REQUIRED,
    },
    logging: { level: env.LOG_LEVEL, dbLevel: env.LOG_DB_LEVEL },
    writer: {
      batchRows: env.WRITER_BATCH_ROWS,
      flushMs: env.WRITER_FLUSH_MS,
      maxQueueRows: env.WRITER_MAX_QUEUE_ROWS,
      concurrency: env.WRITER_CONCURRENCY,
      probeMs: env.WRITER_PROBE_MS,
      timeoutMs: env.WRITER_TIMEOUT_MS,
      spoolDir: resolve(env.SPOOL_DIR),
      spoolMaxBytes: env.SPOOL_MAX_MB * 1024 * 1024,
    },
    metrics: {
      ingestMaxBatch: env.METRICS_INGEST_MAX_BATCH,
      maxResponseTimeSeconds: env.METRICS_MAX_RESPONSE_TIME_SECONDS,
      retentionDays: env.METRICS_RETENTION_DAYS,
      nameCacheTtlMs: env.METRICS_NAME_CACHE_TTL_MS,
      rollup: {
        enabled: env.METRICS_ROLLUP_ENABLED,
        intervalMs: env.METRICS_ROLLUP_INTERVAL_SECONDS * 1000,
        chunkHours: env.METRICS_ROLLUP_CHUNK_HOURS,
        hourlyRetentionDays: env.METRICS_HOURLY_RETENTION_DAYS,
        dailyRetentionDays: env.METRICS_DAILY_RETENTION_DAYS,
      },
      performance: { enabled: env.PERFORMANCE_ENABLED, snapshotMs: env.PERFORMANCE_SNAPSHOT_SECONDS * 1000 },
      fromSpans: env.METRICS_FROM_SPANS,
    },
    traces: {
      maxBodyBytes: env.HTTP_MAX_BODY_BYTES,
      maxSpansPerRequest: env.TRACES_MAX_SPANS_PER_REQUEST,
      maxDataPointsPerRequest: env.OTLP_MAX_DATA_POINTS_PER_REQUEST,
      maxLogRecordsPerRequest: env.OTLP_MAX_LOG_RECORDS_PER_REQUEST,
      retentionDays: env.OBSERVABILITY_RETENTION_DAYS,
      json: { maxDepth: env.HTTP_JSON_MAX_DEPTH, maxKeys: env.HTTP_JSON_MAX_KEYS },
      foldIntervalMs: env.TRACES_FOLD_INTERVAL_SECONDS * 1000,
    },
    otlp: {
      grpcPort: env.OTLP_GRPC_PORT,
      httpPort: env.OTLP_HTTP_PORT,
      grpcTls: env.OTLP_GRPC_TLS_CERT && env.OTLP_GRPC_TLS_KEY ? { certFile: env.OTLP_GRPC_TLS_CERT, keyFile: env.OTLP_GRPC_TLS_KEY } : null,
      maxMessageBytes: env.HTTP_MAX_BODY_BYTES,
    },
    sessions: { ttlSeconds: env.MCP_SESSION_TTL_SECONDS },
    purge: {
      enabled: env.CORE_PURGE_ENABLED,
      intervalMs: env.CORE_PURGE_INTERVAL_SECONDS * 1000,
      batchRows: env.CORE_PURGE_BATCH_ROWS,
      lockTimeoutMs: env.CORE_PURGE_LOCK_TIMEOUT_MS,
    },
    globalSettings: { refreshMs: env.GLOBAL_SETTINGS_REFRESH_MS },
    sso: {
      loginTtlSeconds: env.SSO_LOGIN_TTL_SECONDS,
      tokenSeconds: env.SSO_TOKEN_TTL_SECONDS,
      allowHttpIssuers: env.SSO_ALLOW_HTTP_ISSUERS,
    },
    secrets: { active: env.SECRET_KEY, previous: env.SECRET_KEYS_PREVIOUS, production: env.NODE_ENV === 'production' },
    partitions: {
      enabled: env.PARTITION_MAINTENANCE_ENABLED,
      intervalSeconds: env.PARTITION_MAINTENANCE_INTERVAL_SECONDS,
      premake: env.PARTITION_PREMAKE,
      lockTimeoutMs: env.PARTITION_LOCK_TIMEOUT_MS,
      drainBatchRows: env.PARTITION_DRAIN_BATCH_ROWS,
      groups: {
        metrics: { period: env.METRICS_PARTITION_PERIOD, retentionDays: env.METRICS_RETENTION_DAYS },
        logs: { period: env.LOGS_PARTITION_PERIOD, retentionDays: env.LOGS_RETENTION_DAYS },
        audit: { period: env.AUDIT_PARTITION_PERIOD, retentionDays: env.AUDIT_RETENTION_DAYS },
        observability: { period: env.OBSERVABILITY_PARTITION_PERIOD, retentionDays: env.OBSERVABILITY_RETENTION_DAYS },
      },
    },
  };
}

/** One @nestjs/config namespace per area, for ConfigModule.forRoot({ load }). */
export const settingsNamespaces = (settings: Settings): ConfigFactory[] =>
  (Object.keys(settings) as SettingsArea[]).map((area) => registerAs(area, () => settings[area]));

/** Injects one area's settings object (the @nestjs/config namespace of that name). */
export const InjectSettings = (area: SettingsArea): ParameterDecorator => Inject(getConfigToken(area));
