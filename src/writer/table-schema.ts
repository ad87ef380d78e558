import { DataSource } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { columnKind, CopyColumn } from './copy-encoding';

export interface TableSchema {
  table: string;
  columns: CopyColumn[];
  /** Primary key columns: the conflict target of replays (id plus the time column on partitioned tables). */
  primaryKey: string[];
}

function kindOf(dataSource: DataSource, column: ColumnMetadata) {
  // simple-json is stored as text but must be written as JSON; normalizeType would say text.
  if (column.type === 'simple-json') return columnKind('json');
  return columnKind(dataSource.driver.normalizeType(column));
}

/**
 * The columns and types of `table`, from the entity metadata of the DataSource that
 * hosts it. Metadata is built even while an optional database is down, so this works
 * before it connects.
 */
export function tableSchema(dataSource: DataSource, table: string): TableSchema {
  const metadata = dataSource.entityMetadatas.find((m) => m.tableName === table);
  if (!metadata) throw new Error(`no entity maps table ${table} in the ${String(dataSource.options.name ?? 'default')} DataSource`);
  const columns = metadata.columns
    .filter((c) => !c.isVirtual)
    .map((c) => ({
      name: c.databaseName,
      kind: kindOf(dataSource, c),
      nullable: c.isNullable,
      hasDefault: c.default !== undefined || c.isGenerated || c.isCreateDate || c.isUpdateDate,
    }));
  return { table, columns, primaryKey: metadata.primaryColumns.map((c) => c.databaseName) };
}
