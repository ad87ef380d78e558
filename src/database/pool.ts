import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The pg pool behind a DataSource, or undefined while it is not connected. */
export function poolOf(dataSource: DataSource): Pool | undefined {
  return dataSource.isInitialized ? ((dataSource.driver as PostgresDriver).master as Pool | undefined) : undefined;
}
