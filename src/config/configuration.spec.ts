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

  it('treats empty optional URLs as unset and accepts a +driver scheme', () => {
    const env = parseEnv({ DATABASE_URL: 'postgresql+psycopg://u:p@db:6432/mcp', METRICS_DATABASE_URL: '  ' });
    expect(env.DATABASE_URL).toBe('postgresql://u:p@db:6432/mcp');
    expect(env.METRICS_DATABASE_URL).toBeUndefined();
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
      METRICS_PARTITION_PERIOD: 'day',
      LOGS_PARTITION_PERIOD: 'day',
      AUDIT_PARTITION_PERIOD: 'week',
      METRICS_RETENTION_DAYS: 90,
      LOGS_RETENTION_DAYS: 90,
      AUDIT_RETENTION_DAYS: 365,
    });
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
