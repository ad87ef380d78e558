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
});
