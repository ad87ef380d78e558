import { ConfigError, parseEnv } from './configuration';

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({
      LOGS_DB_DURABLE: true,
      DB_POOL_SIZE: 10,
      PORT: 3000,
      MIGRATIONS_RUN: true,
      EMBEDDED_PG_PORT: 54329,
      EMBEDDED_PG_DATA_DIR: '.data/postgres',
    });
  });

  it('applies the writer and metrics defaults', () => {
    expect(parseEnv({})).toMatchObject({
      HTTP_MAX_BODY_BYTES: 4 * 1024 * 1024,
      WRITER_BATCH_ROWS: 5000,
      WRITER_FLUSH_MS: 500,
      WRITER_MAX_QUEUE_ROWS: 100_000,
      WRITER_CONCURRENCY: 2,
      WRITER_PROBE_MS: 2000,
      WRITER_TIMEOUT_MS: 30000,
      SPOOL_DIR: '.data/spool',
      SPOOL_MAX_MB: 1024,
      METRICS_INGEST_MAX_BATCH: 1000,
      METRICS_NAME_CACHE_TTL_MS: 5000,
      METRICS_ROLLUP_ENABLED: true,
      METRICS_ROLLUP_INTERVAL_SECONDS: 300,
      METRICS_ROLLUP_CHUNK_HOURS: 24,
      METRICS_HOURLY_RETENTION_DAYS: 180,
      METRICS_DAILY_RETENTION_DAYS: 730,
      PERFORMANCE_ENABLED: true,
      PERFORMANCE_SNAPSHOT_SECONDS: 60,
    });
  });

  it('parses and bounds the writer and metrics variables', () => {
    const env = parseEnv({
      WRITER_BATCH_ROWS: '200',
      SPOOL_DIR: '/var/spool/ff',
      METRICS_ROLLUP_ENABLED: 'off',
      METRICS_NAME_CACHE_TTL_MS: '0',
    });
    expect(env).toMatchObject({
      WRITER_BATCH_ROWS: 200,
      SPOOL_DIR: '/var/spool/ff',
      METRICS_ROLLUP_ENABLED: false,
      METRICS_NAME_CACHE_TTL_MS: 0,
    });
    expect(() => parseEnv({ WRITER_FLUSH_MS: '1' })).toThrow(/WRITER_FLUSH_MS must be at least 10/);
    expect(() => parseEnv({ METRICS_INGEST_MAX_BATCH: '0' })).toThrow(/METRICS_INGEST_MAX_BATCH must be at least 1/);
    expect(() => parseEnv({ METRICS_ROLLUP_CHUNK_HOURS: 'two' })).toThrow(/METRICS_ROLLUP_CHUNK_HOURS must be a whole number/);
    expect(() => parseEnv({ METRICS_DAILY_RETENTION_DAYS: '0' })).toThrow(/METRICS_DAILY_RETENTION_DAYS must be at least 1/);
  });

  it('treats empty optional URLs as unset and accepts a +driver scheme', () => {
    const env = parseEnv({ DATABASE_URL: 'postgresql+psycopg://u:p@db:6432/mcp', METRICS_DATABASE_URL: '  ' });
    expect(env.DATABASE_URL).toBe('postgresql://u:p@db:6432/mcp');
    expect(env.METRICS_DATABASE_URL).toBeUndefined();
  });

  it('takes log levels by pino name or stored name, for pino', () => {
    expect(parseEnv({ LOG_LEVEL: 'warning', LOG_DB_LEVEL: 'critical' })).toMatchObject({ LOG_LEVEL: 'warn', LOG_DB_LEVEL: 'fatal' });
    expect(parseEnv({ LOG_LEVEL: 'trace', LOG_DB_LEVEL: 'warn' })).toMatchObject({ LOG_LEVEL: 'trace', LOG_DB_LEVEL: 'warn' });
    expect(() => parseEnv({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of debug, info, warning, error, critical/);
  });

  it('parses booleans and numbers', () => {
    const env = parseEnv({ LOGS_DB_DURABLE: 'false', MIGRATIONS_RUN: '0', DB_POOL_SIZE: '25', PORT: '8080' });
    expect(env).toMatchObject({ LOGS_DB_DURABLE: false, MIGRATIONS_RUN: false, DB_POOL_SIZE: 25, PORT: 8080 });
  });

  it.each([
    ['DATABASE_URL', 'postgres://admin:hunter2secret@db:notaport/mcp'],
    ['METRICS_DATABASE_URL', 'mysql://admin:hunter2secret@db/metrics'],
    ['LOGS_DATABASE_URL', 'postgres://admin:hunter2secret@db:5432'],
    ['OBSERVABILITY_DATABASE_URL', 'not a url hunter2secret'],
  ])('rejects a bad %s, naming it without echoing the value', (name, value) => {
    let error: unknown;
    try {
      parseEnv({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain('hunter2secret');
  });

  it('reports every bad variable at once', () => {
    expect(() => parseEnv({ DB_POOL_SIZE: '0', PORT: 'eighty', LOGS_DB_DURABLE: 'maybe' })).toThrow(
      /DB_POOL_SIZE must be at least 1[\s\S]*PORT must be a whole number[\s\S]*LOGS_DB_DURABLE must be true or false|LOGS_DB_DURABLE/,
    );
    try {
      parseEnv({ DB_POOL_SIZE: '0', PORT: 'eighty', LOGS_DB_DURABLE: 'maybe' });
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.split(' ')[0]).sort()).toEqual(['DB_POOL_SIZE', 'LOGS_DB_DURABLE', 'PORT']);
    }
  });

  it('applies the documented partition defaults', () => {
    expect(parseEnv({})).toMatchObject({
      PARTITION_MAINTENANCE_ENABLED: true,
      PARTITION_MAINTENANCE_INTERVAL_SECONDS: 3600,
      PARTITION_PREMAKE: 7,
      PARTITION_LOCK_TIMEOUT_MS: 2000,
      PARTITION_DRAIN_BATCH_ROWS: 10_000,
      METRICS_PARTITION_PERIOD: 'day',
      LOGS_PARTITION_PERIOD: 'day',
      AUDIT_PARTITION_PERIOD: 'week',
      METRICS_RETENTION_DAYS: 90,
      LOGS_RETENTION_DAYS: 90,
      AUDIT_RETENTION_DAYS: 365,
      OBSERVABILITY_PARTITION_PERIOD: 'day',
      OBSERVABILITY_RETENTION_DAYS: 7,
    });
  });

  it('reads METRICS_FROM_SPANS: both profiles by default, off, or a list of known names each once', () => {
    expect(parseEnv({}).METRICS_FROM_SPANS).toEqual(['contextforge', 'mcp-semconv']);
    expect(parseEnv({ METRICS_FROM_SPANS: 'off' }).METRICS_FROM_SPANS).toEqual([]);
    expect(parseEnv({ METRICS_FROM_SPANS: ' MCP-semconv ' }).METRICS_FROM_SPANS).toEqual(['mcp-semconv']);
    expect(parseEnv({ METRICS_FROM_SPANS: 'mcp-semconv,contextforge' }).METRICS_FROM_SPANS).toEqual(['mcp-semconv', 'contextforge']);
    expect(() => parseEnv({ METRICS_FROM_SPANS: 'contextforge,jaeger' })).toThrow(/METRICS_FROM_SPANS must be off or .*unknown: jaeger/);
    expect(() => parseEnv({ METRICS_FROM_SPANS: 'contextforge,contextforge' })).toThrow(/METRICS_FROM_SPANS/);
    expect(() => parseEnv({ METRICS_FROM_SPANS: 'off,contextforge' })).toThrow(/METRICS_FROM_SPANS/);
  });

  it('applies the traces defaults and bounds them', () => {
    expect(parseEnv({})).toMatchObject({
      TRACES_MAX_SPANS_PER_REQUEST: 50_000,
      TRACES_FOLD_INTERVAL_SECONDS: 300,
      OTLP_MAX_DATA_POINTS_PER_REQUEST: 50_000,
      OTLP_MAX_LOG_RECORDS_PER_REQUEST: 50_000,
      OBSERVABILITY_SELF_TRACES: false,
    });
    expect(parseEnv({ OTLP_MAX_DATA_POINTS_PER_REQUEST: '10', OTLP_MAX_LOG_RECORDS_PER_REQUEST: '20' })).toMatchObject({
      OTLP_MAX_DATA_POINTS_PER_REQUEST: 10,
      OTLP_MAX_LOG_RECORDS_PER_REQUEST: 20,
    });
    expect(() => parseEnv({ OTLP_MAX_LOG_RECORDS_PER_REQUEST: '0' })).toThrow(/OTLP_MAX_LOG_RECORDS_PER_REQUEST must be at least 1/);
    expect(
      parseEnv({ OBSERVABILITY_PARTITION_PERIOD: 'week', OBSERVABILITY_RETENTION_DAYS: '30', OBSERVABILITY_SELF_TRACES: 'true' }),
    ).toMatchObject({
      OBSERVABILITY_PARTITION_PERIOD: 'week',
      OBSERVABILITY_RETENTION_DAYS: 30,
      OBSERVABILITY_SELF_TRACES: true,
    });
    expect(() => parseEnv({ OBSERVABILITY_PARTITION_PERIOD: 'hour' })).toThrow(
      /OBSERVABILITY_PARTITION_PERIOD must be one of day, week, month/,
    );
    expect(() => parseEnv({ OBSERVABILITY_RETENTION_DAYS: '0' })).toThrow(/OBSERVABILITY_RETENTION_DAYS must be at least 1/);
  });

  it('parses partition settings', () => {
    const env = parseEnv({
      PARTITION_MAINTENANCE_ENABLED: 'false',
      PARTITION_PREMAKE: '14',
      METRICS_PARTITION_PERIOD: 'week',
      AUDIT_PARTITION_PERIOD: 'month',
      AUDIT_RETENTION_DAYS: '2555',
    });
    expect(env).toMatchObject({
      PARTITION_MAINTENANCE_ENABLED: false,
      PARTITION_PREMAKE: 14,
      METRICS_PARTITION_PERIOD: 'week',
      AUDIT_PARTITION_PERIOD: 'month',
      AUDIT_RETENTION_DAYS: 2555,
    });
  });

  it('rejects bad partition settings, naming each variable', () => {
    let error: ConfigError | undefined;
    try {
      parseEnv({
        LOGS_PARTITION_PERIOD: 'hour',
        METRICS_RETENTION_DAYS: '0',
        PARTITION_PREMAKE: 'seven',
        PARTITION_MAINTENANCE_INTERVAL_SECONDS: '1',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems.sort()).toEqual([
      'LOGS_PARTITION_PERIOD must be one of day, week, month',
      'METRICS_RETENTION_DAYS must be at least 1',
      'PARTITION_MAINTENANCE_INTERVAL_SECONDS must be at least 10',
      'PARTITION_PREMAKE must be a whole number',
    ]);
  });
});

describe('parseEnv: API, authentication and logging variables', () => {
  it('applies the defaults', () => {
    expect(parseEnv({})).toMatchObject({
      LOG_DB_LEVEL: 'info',
      ADMIN_EMAIL: 'admin@fourfold.local',
      STATUS_PUBLIC: false,
      AUTH_FAILURE_THRESHOLD: 10,
      AUTH_FAILURE_WINDOW_SECONDS: 60,
      AUTH_BLOCK_SECONDS: 300,
    });
    expect(parseEnv({}).ADMIN_TOKEN).toBeUndefined();
  });

  it('parses and normalizes values', () => {
    const env = parseEnv({ ADMIN_EMAIL: ' Ops@Example.COM ', STATUS_PUBLIC: 'yes', LOG_DB_LEVEL: 'warn' });
    expect(env).toMatchObject({ ADMIN_EMAIL: 'ops@example.com', STATUS_PUBLIC: true, LOG_DB_LEVEL: 'warn' });
  });

  it.each([
    ['ADMIN_EMAIL', 'not-an-email'],
    ['AUTH_FAILURE_THRESHOLD', '0'],
    ['LOG_DB_LEVEL', 'loud'],
  ])('rejects a bad %s', (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(name));
  });

  it('rejects a short ADMIN_TOKEN without echoing it', () => {
    let message = '';
    try {
      parseEnv({ ADMIN_TOKEN: 'short-secret-xyz' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/ADMIN_TOKEN must be at least 32 characters/);
    expect(message).not.toContain('short-secret-xyz');
  });

  it('reads the Prometheus endpoint settings: closed and on the main port only by default', () => {
    expect(parseEnv({})).toMatchObject({ METRICS_ENDPOINT_PUBLIC: false, METRICS_PORT: 0 });
    expect(parseEnv({ METRICS_ENDPOINT_PUBLIC: 'true', METRICS_PORT: '9464' })).toMatchObject({
      METRICS_ENDPOINT_PUBLIC: true,
      METRICS_PORT: 9464,
    });
    expect(() => parseEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT must be at most 65535/);
    expect(() => parseEnv({ METRICS_ENDPOINT_PUBLIC: 'maybe' })).toThrow(/METRICS_ENDPOINT_PUBLIC must be true or false/);
  });
});

describe('parseEnv: hardening variables', () => {
  it('applies the defaults: JSON bounds, CORS off, a day of response time', () => {
    expect(parseEnv({})).toMatchObject({
      HTTP_JSON_MAX_DEPTH: 64,
      HTTP_JSON_MAX_KEYS: 10_000,
      CORS_ALLOWED_ORIGINS: [],
      METRICS_MAX_RESPONSE_TIME_SECONDS: 86_400,
    });
  });

  it('reads an allow-list of origins and refuses anything that is not an origin', () => {
    expect(parseEnv({ CORS_ALLOWED_ORIGINS: 'https://console.example.com, http://localhost:5173' }).CORS_ALLOWED_ORIGINS).toEqual([
      'https://console.example.com',
      'http://localhost:5173',
    ]);
    for (const bad of ['*', 'console.example.com', 'https://console.example.com/', 'https://x.example.com/app', 'ftp://x.example.com']) {
      expect(() => parseEnv({ CORS_ALLOWED_ORIGINS: bad })).toThrow(/CORS_ALLOWED_ORIGINS must list origins/);
    }
  });
});
