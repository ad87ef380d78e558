import { ROLE_DEFINITIONS } from '../src/role-registry';
import { DataSource } from 'typeorm';
import { resolveTopology } from '../src/database/database-topology';
import { dataSourceOptions } from '../src/database/data-source-options';
import { migrateDatabase } from '../src/database/migration-runner';
import { createDatabase, dropDatabase } from './support/postgres';

describe('entities and migrations', () => {
  it('agree exactly: after migrating, TypeORM finds nothing to change for any of the 58 entities', async () => {
    const url = await createDatabase('drift');
    const [db] = resolveTopology({ core: url }).databases;
    const dataSource = new DataSource(dataSourceOptions(db, ROLE_DEFINITIONS, { poolSize: 2, connectTimeoutMs: 5000 }));
    try {
      await migrateDatabase(db, ROLE_DEFINITIONS);
      await dataSource.initialize();
      expect(dataSource.entityMetadatas).toHaveLength(58);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url);
    }
  });
});
