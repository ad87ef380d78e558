/**
 * The four data roles. Each name is also the TypeORM DataSource name of the role:
 * repositories and DataSources are always injected by these constants, whether the
 * role has a database of its own or falls back to core.
 */
export const CORE_DB = 'core';
export const METRICS_DB = 'metrics';
export const LOGS_DB = 'logs';
export const OBSERVABILITY_DB = 'observability';

export const ROLES = [CORE_DB, METRICS_DB, LOGS_DB, OBSERVABILITY_DB] as const;
export type Role = (typeof ROLES)[number];
export const OPTIONAL_ROLES = [METRICS_DB, LOGS_DB, OBSERVABILITY_DB] as const;

/** The environment variable that gives each role its own database. */
export const ROLE_URL_ENV: Record<Role, string> = {
  core: 'DATABASE_URL',
  metrics: 'METRICS_DATABASE_URL',
  logs: 'LOGS_DATABASE_URL',
  observability: 'OBSERVABILITY_DATABASE_URL',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
