import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['servers', 'prompts', 'resources'];

/**
 * Names of servers, prompts and resources become unique per team and owner, like tools'
 * (`uq_tools_team_owner_name`): one owner cannot have two entities of a type with one name
 * in one team (or, with no team, among its personal ones: NULLS NOT DISTINCT).
 *
 * Existing duplicates are kept, renamed: the oldest keeps its name, each later one becomes
 * `<name> (<last 8 characters of its id>)`, with its version bumped so that a client holding
 * the old version re-reads it.
 */
export class RegistryNameUniqueness1795610000000 implements MigrationInterface {
  name = 'RegistryNameUniqueness1795610000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`
        UPDATE "${table}" t
           SET "name" = left(t."name", 244) || ' (' || right(t."id", 8) || ')', "version" = t."version" + 1, "updated_at" = now()
          FROM (SELECT "id", row_number() OVER (PARTITION BY "team_id", "owner_email", "name" ORDER BY "created_at", "id") AS n
                  FROM "${table}") d
         WHERE d."id" = t."id" AND d.n > 1`);
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "uq_${table}_team_owner_name" UNIQUE NULLS NOT DISTINCT ("team_id", "owner_email", "name")`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "uq_${table}_team_owner_name"`);
  }
}
