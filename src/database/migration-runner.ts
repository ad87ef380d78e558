import { DataSource } from 'typeorm';
import { PhysicalDatabase } from './database-topology';
import { RoleRegistry } from './role-definition';
import { Role } from './roles';

/** The one migration history table each database holds, whatever roles it hosts. */
export const MIGRATIONS_TABLE = 'fourfold_migrations';

/** Advisory lock key shared by every fourfold process ("fourmigr" in ASCII). */
export const MIGRATION_LOCK_KEY = '7381443591612360562';

export interface MigrationOutcome {
  database: string;
  roles: Role[];
  applied: string[];
}

interface PlannedMigration {
  role: Role;
  name: string;
  timestamp: number;
  instance: { up(queryRunner: unknown): Promise<unknown> };
}

function plan(registry: RoleRegistry, roles: Role[]): PlannedMigration[] {
  return roles
    .flatMap((role) =>
      registry[role].migrations.map((Migration) => {
        const instance = new Migration();
        const name = instance.name ?? Migration.name;
        const stamp = /(\d{13})$/.exec(name);
        if (!stamp) throw new Error(`migration ${name} must end with a 13-digit timestamp`);
        return { role, name, timestamp: Number(stamp[1]), instance };
      }),
    )
    .sort((a, b) => a.timestamp - b.timestamp || a.name.localeCompare(b.name));
}

/**
 * Applies the pending migrations of the given roles to one database, in one transaction
 * that first takes a transaction-scoped advisory lock: replicas that start together queue
 * behind each other and the later ones find nothing left to do. Transaction-scoped, so it
 * is safe behind PgBouncer in transaction mode. All of a run commits or none of it does.
 */
export async function migrateDatabase(db: PhysicalDatabase, registry: RoleRegistry, roles: Role[] = db.roles): Promise<MigrationOutcome> {
  const dataSource = new DataSource({ type: 'postgres', url: db.url, extra: { max: 1, application_name: 'fourfold-migrate' } });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await runner.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      name varchar(255) PRIMARY KEY,
      role varchar(20) NOT NULL,
      "timestamp" bigint NOT NULL,
      executed_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set<string>(
      ((await runner.query(`SELECT name FROM ${MIGRATIONS_TABLE}`)) as Array<{ name: string }>).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const migration of plan(registry, roles)) {
      if (done.has(migration.name)) continue;
      await migration.instance.up(runner);
      await runner.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, role, "timestamp") VALUES ($1, $2, $3)`, [
        migration.name,
        migration.role,
        migration.timestamp,
      ]);
      applied.push(migration.name);
    }
    await runner.commitTransaction();
    return { database: db.label, roles, applied };
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
