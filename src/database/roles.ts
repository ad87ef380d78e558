/**
 * The data roles: the one list of their names. Each name is also the TypeORM DataSource
 * name of the role: repositories and DataSources are always injected by these constants,
 * whether the role has a database of its own or falls back to core. What each role brings
 * (entities, migrations, partitioned tables, durability) is declared in its own folder and
 * registered in src/role-registry.ts. This file imports nothing.
 */
export const CORE_DB = 'core';
export const METRICS_DB = 'metrics';
export const LOGS_DB = 'logs';
export const OBSERVABILITY_DB = 'observability';

export const ROLES = [CORE_DB, METRICS_DB, LOGS_DB, OBSERVABILITY_DB] as const;
export type Role = (typeof ROLES)[number];
export type OptionalRole = Exclude<Role, typeof CORE_DB>;
export const OPTIONAL_ROLES = ROLES.filter((role): role is OptionalRole => role !== CORE_DB);

/** The environment variable that gives a role its own database: DATABASE_URL for core, <ROLE>_DATABASE_URL otherwise. */
export type RoleUrlEnv = 'DATABASE_URL' | `${Uppercase<OptionalRole>}_DATABASE_URL`;

export const roleUrlEnv = (role: Role): RoleUrlEnv =>
  role === CORE_DB ? 'DATABASE_URL' : (`${role.toUpperCase()}_DATABASE_URL` as RoleUrlEnv);

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
