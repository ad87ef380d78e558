import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tool test cases go with their tool (rows of tools already gone are dropped first), and record when they changed. */
export class ToolTestCases1796400000200 implements MigrationInterface {
  name = 'ToolTestCases1796400000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "toolops_test_cases" c WHERE NOT EXISTS (SELECT 1 FROM "tools" t WHERE t.id = c.tool_id)`);
    await q.query(
      `ALTER TABLE "toolops_test_cases" ADD CONSTRAINT "fk_toolops_test_cases_tool_id" FOREIGN KEY ("tool_id") REFERENCES "tools" ("id") ON DELETE CASCADE`,
    );
    await q.query(`ALTER TABLE "toolops_test_cases" ADD COLUMN "updated_at" timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "toolops_test_cases" DROP COLUMN "updated_at"`);
    await q.query(`ALTER TABLE "toolops_test_cases" DROP CONSTRAINT "fk_toolops_test_cases_tool_id"`);
  }
}
