import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SSO providers for an OIDC login: a slug for their URLs, the redirect URI registered at the
 * provider, who may log in (email domains) and what they get (default role and team). The
 * endpoints come from the issuer's discovery document at login, so they are no longer required.
 */
export class SsoLogin1796400000400 implements MigrationInterface {
  name = 'SsoLogin1796400000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "sso_providers"
        ADD COLUMN "slug" varchar(100),
        ADD COLUMN "redirect_uri" varchar(767),
        ADD COLUMN "allowed_domains" jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN "default_role" varchar(50) NOT NULL DEFAULT 'viewer',
        ADD COLUMN "default_team_id" varchar(36),
        ALTER COLUMN "authorization_url" DROP NOT NULL,
        ALTER COLUMN "token_url" DROP NOT NULL,
        ALTER COLUMN "userinfo_url" DROP NOT NULL`);
    await q.query(`UPDATE "sso_providers" SET "slug" = "id"`);
    await q.query(`ALTER TABLE "sso_providers" ALTER COLUMN "slug" SET NOT NULL`);
    await q.query(`ALTER TABLE "sso_providers" ADD CONSTRAINT "uq_sso_providers_slug" UNIQUE ("slug")`);
    await q.query(
      `ALTER TABLE "sso_providers" ADD CONSTRAINT "fk_sso_providers_default_team_id" FOREIGN KEY ("default_team_id") REFERENCES "email_teams" ("id") ON DELETE SET NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sso_providers" DROP CONSTRAINT "fk_sso_providers_default_team_id"`);
    await q.query(`ALTER TABLE "sso_providers" DROP CONSTRAINT "uq_sso_providers_slug"`);
    await q.query(`
      ALTER TABLE "sso_providers"
        DROP COLUMN "slug", DROP COLUMN "redirect_uri", DROP COLUMN "allowed_domains",
        DROP COLUMN "default_role", DROP COLUMN "default_team_id"`);
  }
}
