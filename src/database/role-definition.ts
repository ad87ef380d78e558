import { Inject } from '@nestjs/common';
import { MigrationInterface } from 'typeorm';
import { DatabaseSettings, PartitionGroup } from '../config/settings';
import { RoleDurability, SynchronousCommit } from './durability';
import { Role, ROLES } from './roles';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes entity classes as Function
export type EntityClass = Function;
export type MigrationClass = new () => MigrationInterface;

/** A table declared `PARTITION BY RANGE (<timeColumn>)` with a DEFAULT partition `<table>_default`. */
export interface PartitionedTable {
  table: string;
  role: Role;
  /** Which period and retention apply (PartitionSettings.groups). */
  group: PartitionGroup;
  /** The RANGE partition key. */
  timeColumn: string;
  /**
   * A foreign key into this table from another table of the same role. Retention clears it
   * for the rows it drops (detaching a referenced partition runs no ON DELETE action, it just
   * fails), and moving rows out of the DEFAULT partition keeps it. Key and id are uuid.
   */
  referencedBy?: { table: string; key: string; columns: [id: string, timestamp: string] };
  /**
   * Run (with the range's bounds as $1, $2) right after rows of that range were drained out
   * of the DEFAULT partition in batches and their partition attached: they were invisible to
   * readers meanwhile, so whatever the role derived from the table in that time is refreshed.
   */
  rowsMovedSql?: string;
}

export const defaultPartitionOf = (t: PartitionedTable): string => `${t.table}_default`;

/**
 * A table whose rows are computed from another table of the same role by the database itself
 * (observability_traces, the per-trace summaries kept by a trigger on observability_spans).
 * db:move does not copy its rows: it has the target derive them again, with the role's own SQL
 * functions, for the keys of the rows it wrote, and verifies them by recomputing them.
 */
export interface DerivedTable {
  table: string;
  /** The table it is derived from. */
  from: string;
  /** The column both tables share: one derived row per value (trace_id). */
  key: string;
  /** SQL function (keys text[]) returning a count: forgets the derived rows of those keys and derives them again. */
  rebuild: string;
  /** SQL function (keys text[]) returning rows of `table`: what `rebuild` would write, without writing. */
  recompute: string;
  /** Columns that record when a row was written rather than what it says: left out of comparisons. */
  bookkeeping: string[];
}

/**
 * Set for its transaction (`SET LOCAL`) by db:move before it writes: a trigger that derives
 * rows of a DerivedTable stands aside, because the move derives them itself once the rows are in.
 */
export const MOVING_SETTING = 'fourfold.moving';

/**
 * What a role brings: declared in the role's own folder (`<role>/<role>.role.ts`) and handed
 * down to the database layer through the registry (src/role-registry.ts), so that
 * database/ knows roles without importing their code.
 */
export interface RoleDefinition {
  role: Role;
  /** TypeORM entities of the role's tables. */
  entities: EntityClass[];
  /** The role's migrations, applied to whichever database hosts the role. */
  migrations: MigrationClass[];
  /** Tables kept by partition maintenance. */
  partitionedTables: PartitionedTable[];
  /** synchronous_commit for the role's writes. */
  synchronousCommit(settings: DatabaseSettings): SynchronousCommit;
  /** Tables db:move derives on its target instead of copying. */
  derivedTables?: DerivedTable[];
  /**
   * Names of the SQL functions the role's migrations create: db:move --drop-source drops them
   * with the role's tables, so that the role can later be migrated there again.
   */
  functions?: string[];
}

export type RoleRegistry = Readonly<Record<Role, RoleDefinition>>;

export const partitionedTablesOf = (registry: RoleRegistry): PartitionedTable[] =>
  Object.values(registry).flatMap((definition) => definition.partitionedTables);

/** Each role's write durability under these settings (ROLE_DURABILITY). */
export const durabilityOf = (registry: RoleRegistry, settings: DatabaseSettings): RoleDurability =>
  Object.fromEntries(ROLES.map((role) => [role, registry[role].synchronousCommit(settings)])) as Record<Role, SynchronousCommit>;

/** Injection token of the RoleRegistry (provided by DatabaseModule). */
export const ROLE_REGISTRY = Symbol('ROLE_REGISTRY');

export const InjectRoleRegistry = (): ParameterDecorator => Inject(ROLE_REGISTRY);

/** A partitioned table of `role` in the group of the same name, keyed by "timestamp". */
export const partitionedTable = (
  table: string,
  role: Role,
  group: PartitionGroup,
  extra: Partial<PartitionedTable> = {},
): PartitionedTable => ({
  table,
  role,
  group,
  timeColumn: 'timestamp',
  ...extra,
});
