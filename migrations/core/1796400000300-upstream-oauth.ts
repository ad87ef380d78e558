import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth towards upstream servers: a registered client keeps its registration metadata; an
 * authorization state is bound to a user as well as a gateway, and its PKCE verifier is
 * sealed (a sealed value is longer than the 128 characters a verifier may have).
 */
export class UpstreamOauth1796400000300 implements MigrationInterface {
  name = 'UpstreamOauth1796400000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "registered_oauth_clients" ADD COLUMN "metadata" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "oauth_states" ALTER COLUMN "code_verifier" TYPE text`);
    await q.query(`ALTER TABLE "oauth_states" ADD COLUMN "user_email" varchar(255)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "oauth_states" DROP COLUMN "user_email"`);
    await q.query(`ALTER TABLE "oauth_states" ALTER COLUMN "code_verifier" TYPE varchar(128)`);
    await q.query(`ALTER TABLE "registered_oauth_clients" DROP COLUMN "metadata"`);
  }
}
