import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { WriterSettings } from '../config/settings';
import { RoleDataSources } from '../database/role-data-sources';
import { isRole, Role } from '../database/roles';
import { TableSpool } from './spool';
import { TableQueue } from './table-queue';
import { tableSchema, TableSchema } from './table-schema';

/** What happened to a table's rows so far (reported by RowWriter.stats). */
export interface TableCounters {
  /** Rows committed by a regular flush or a durable write. */
  written: number;
  /** Rows appended to the spool because the database did not take them. */
  spooled: number;
  /** Rows inserted by spool replays. */
  replayed: number;
  /** Replayed rows that were already in the database (an earlier commit whose acknowledgement was lost). */
  replay_duplicates: number;
  /** Rows refused: buffer full, shutting down, or rows the database rejects as invalid. */
  rejected: number;
  /** Transactions committed (flushes, durable groups, replays): rows per commit shows the batching at work. */
  commits: number;
}

/** One table the writer feeds: where its rows go, its buffer, its spool and its counters. */
export class WriterTable {
  readonly counters: TableCounters = { written: 0, spooled: 0, replayed: 0, replay_duplicates: 0, rejected: 0, commits: 0 };

  constructor(
    readonly role: Role,
    readonly schema: TableSchema,
    readonly dataSource: DataSource,
    readonly queue: TableQueue,
    readonly spool: TableSpool,
  ) {}

  get name(): string {
    return this.schema.table;
  }

  /** `role/table`: the table's key, and how log lines name it. */
  get key(): string {
    return `${this.role}/${this.name}`;
  }
}

/** Every table the writer has seen, created on first use. */
export class WriterTables {
  private readonly byKey = new Map<string, WriterTable>();

  constructor(
    private readonly dataSources: RoleDataSources,
    private readonly settings: Pick<WriterSettings, 'spoolDir' | 'batchRows' | 'maxQueueRows'>,
  ) {}

  find(role: Role, table: string): WriterTable | undefined {
    return this.byKey.get(`${role}/${table}`);
  }

  /** The table, created on first use; throws for an unknown role, a malformed name or a table no entity maps. */
  get(role: Role, table: string): WriterTable {
    let found = this.find(role, table);
    if (!found) {
      if (!isRole(role)) throw new Error(`unknown role ${String(role)}`);
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid table name ${table}`);
      const dataSource = this.dataSources[role];
      const { spoolDir, batchRows, maxQueueRows } = this.settings;
      found = new WriterTable(
        role,
        tableSchema(dataSource, table),
        dataSource,
        new TableQueue({ batchRows, maxRows: maxQueueRows }),
        new TableSpool(join(spoolDir, role, table)),
      );
      this.byKey.set(found.key, found);
    }
    return found;
  }

  all(): WriterTable[] {
    return [...this.byKey.values()];
  }
}
