import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Global settings carry a version (optimistic concurrency for admins, and what every replica
 * polls to see a change within seconds, PgBouncer-safe unlike LISTEN) and who changed them last.
 */
export class GlobalConfigVersion1796400000100 implements MigrationInterface {
  name = 'GlobalConfigVersion1796400000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "global_config"
        ADD COLUMN "version" integer NOT NULL DEFAULT 0,
        ADD COLUMN "updated_at" timestamptz,
        ADD COLUMN "updated_by" varchar(255)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "global_config" DROP COLUMN "version", DROP COLUMN "updated_at", DROP COLUMN "updated_by"`);
  }
}
