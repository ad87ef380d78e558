import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the identity lifecycle needs beyond the original tables: the reason and time of an
 * approval decision, who made each membership change, and at most one pending join request
 * per user and team (a partial unique index, so that reviewed requests stay as history).
 */
export class IdentityLifecycle1796300000000 implements MigrationInterface {
  name = 'IdentityLifecycle1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pending_user_approvals" ADD "reason" text, ADD "reviewed_at" timestamptz`);
    await q.query(`ALTER TABLE "email_team_member_history" ADD "performed_by" varchar(255)`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_email_team_join_requests_pending" ON "email_team_join_requests" ("team_id", "user_email") WHERE "status" = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "uq_email_team_join_requests_pending"`);
    await q.query(`ALTER TABLE "email_team_member_history" DROP COLUMN "performed_by"`);
    await q.query(`ALTER TABLE "pending_user_approvals" DROP COLUMN "reviewed_at", DROP COLUMN "reason"`);
  }
}
