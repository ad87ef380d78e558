import { EntityMetadata } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** A JSON object as the API sends and receives it. */
export type ApiObject = Record<string, unknown>;

/**
 * The columns the API speaks, named as in the table (snake_case). A relation's own
 * property is left out: its join columns say the same.
 */
export function apiColumns(metadata: EntityMetadata): ColumnMetadata[] {
  return metadata.columns.filter((c) => !c.relationMetadata || c.propertyName !== c.relationMetadata.propertyName);
}

/** A stored row as the API shows it: one key per column (snake_case), dates as ISO 8601 strings. */
export function rowToApi(metadata: EntityMetadata, row: object): ApiObject {
  const out: ApiObject = {};
  for (const column of apiColumns(metadata)) {
    const value = (row as Record<string, unknown>)[column.propertyName];
    out[column.databaseName] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}
