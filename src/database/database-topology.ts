import { Env } from '../config/configuration';
import { CORE_DB, OPTIONAL_ROLES, Role, roleUrlEnv, ROLES } from './roles';

/** Where a role's tables live. Resolved once from configuration; nothing else decides fallback. */
export interface RoleTarget {
  role: Role;
  /** True when the role has a database of its own; false when it falls back to core. */
  own: boolean;
  /** Name of the physical DataSource (and pool) that serves this role. */
  dataSourceName: Role;
}

/** One physical database: one DataSource, one pool, one migration history. */
export interface PhysicalDatabase {
  /** The first role hosted here; also the DataSource name. */
  name: Role;
  url: string;
  /** Roles whose tables this database holds, core first. */
  roles: Role[];
  /** host:port/database, never credentials. */
  label: string;
  host: string;
  port: number;
  database: string;
}

export interface DatabaseTopology {
  roles: Record<Role, RoleTarget>;
  databases: PhysicalDatabase[];
}

export interface DatabaseAddress {
  host: string;
  port: number;
  database: string;
  user: string;
}

export function addressOf(url: string): DatabaseAddress {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    user: decodeURIComponent(u.username),
  };
}

/** `host:port/database` without user or password, for logs and status pages. */
export function describeUrl(url: string): string {
  const a = addressOf(url);
  return `${a.host}:${a.port}/${a.database}`;
}

function sameDatabase(a: string, b: string): boolean {
  const x = addressOf(a);
  const y = addressOf(b);
  return x.host === y.host && x.port === y.port && x.database === y.database && x.user === y.user;
}

/**
 * Decides which physical database serves each role. A role without a URL, or whose URL
 * names the same database as another role's, shares that database's DataSource and pool.
 */
export function resolveTopology(urls: Partial<Record<Role, string>>): DatabaseTopology {
  const coreUrl = urls[CORE_DB];
  if (!coreUrl) throw new Error('DATABASE_URL is required to resolve the database topology');
  const core = { name: CORE_DB as Role, url: coreUrl, roles: [CORE_DB as Role] };
  const databases: Array<{ name: Role; url: string; roles: Role[] }> = [core];
  const roles = {} as Record<Role, RoleTarget>;
  roles[CORE_DB] = { role: CORE_DB, own: true, dataSourceName: CORE_DB };
  for (const role of OPTIONAL_ROLES) {
    const url = urls[role];
    const host = url ? (databases.find((d) => sameDatabase(d.url, url)) ?? null) : core;
    if (host) {
      host.roles.push(role);
      roles[role] = { role, own: host !== core, dataSourceName: host.name };
    } else {
      databases.push({ name: role, url: url!, roles: [role] });
      roles[role] = { role, own: true, dataSourceName: role };
    }
  }
  return {
    roles,
    databases: databases.map((d) => ({ ...d, ...addressOf(d.url), label: describeUrl(d.url) })),
  };
}

export function topologyFromEnv(env: Env): DatabaseTopology {
  return resolveTopology(Object.fromEntries(ROLES.map((role) => [role, env[roleUrlEnv(role)]])));
}

export function databaseOf(topology: DatabaseTopology, role: Role): PhysicalDatabase {
  return topology.databases.find((d) => d.name === topology.roles[role].dataSourceName)!;
}
