import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from '../common/ids';
import { EmailApiToken } from '../core/entities/email-api-token.entity';
import { EmailUser } from '../core/entities/email-user.entity';
import { Role } from '../core/entities/role.entity';
import { TokenRevocation } from '../core/entities/token-revocation.entity';
import { UserRole } from '../core/entities/user-role.entity';
import { CORE_DB } from '../database/roles';
import { Principal } from './principal';
import { generateToken, hashToken, jtiOf, sameHash } from './token';
import { SYSTEM_ROLES } from './permissions';

export type TokenFailure = 'unknown token' | 'expired token' | 'revoked token' | 'inactive user' | 'pending approval';

export interface IssuedToken {
  /** The token itself: shown once, never stored. */
  token: string;
  jti: string;
  tokenId: string;
  email: string;
  role: string;
  expiresAt: Date | null;
  /** True when the user did not exist and was created. */
  userCreated: boolean;
  /** True when the role was granted by this call. */
  roleGranted: boolean;
}

export interface IssueTokenOptions {
  email: string;
  role: string;
  expiresInSeconds?: number | null;
  name?: string;
  grantedBy: string;
  /** Use this token instead of generating one (ADMIN_TOKEN). */
  token?: string;
}

export class UnknownRoleError extends Error {}

interface VerifyRow {
  id: string;
  user_email: string;
  token_hash: string;
  is_active: boolean;
  expires_at: Date | null;
  last_used: Date | null;
  revoked: boolean;
  user_id: string | null;
  user_active: boolean | null;
  roles: Array<{ name: string; permissions: string[] }>;
  teams: string[];
}

const VERIFY_SQL = `
  SELECT t.id, t.user_email, t.token_hash, t.is_active, t.expires_at, t.last_used,
         EXISTS (SELECT 1 FROM token_revocations r WHERE r.jti = t.jti) AS revoked,
         u.id AS user_id, u.is_active AS user_active,
         COALESCE((SELECT json_agg(json_build_object('name', ro.name, 'permissions', ro.permissions))
                     FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id AND ro.is_active
                    WHERE ur.user_email = u.email AND ur.is_active AND ur.scope = 'global'
                      AND (ur.expires_at IS NULL OR ur.expires_at > now())), '[]') AS roles,
         ARRAY(SELECT m.team_id FROM email_team_members m WHERE m.user_email = u.email AND m.is_active) AS teams
    FROM email_api_tokens t
    LEFT JOIN email_users u ON u.email = t.user_email
   WHERE t.jti = $1`;

/**
 * Tokens, users and role grants in the core database. A Nest provider over the core
 * DataSource, and a plain class the CLI constructs itself (`new TokenStore(core)`).
 */
@Injectable()
export class TokenStore {
  constructor(@InjectDataSource(CORE_DB) private readonly db: DataSource) {}

  /** Creates (or updates) the system roles. Idempotent; safe from several replicas. */
  async seedRoles(): Promise<void> {
    for (const role of SYSTEM_ROLES) {
      await this.db.query(
        `INSERT INTO roles (id, name, description, scope, permissions, is_system_role, is_active)
         VALUES ($1, $2, $3, 'global', $4::jsonb, true, true)
         ON CONFLICT ON CONSTRAINT uq_roles_name_scope
         DO UPDATE SET permissions = EXCLUDED.permissions, description = EXCLUDED.description, updated_at = now()`,
        [uuidv7(), role.name, role.description, JSON.stringify(role.permissions)],
      );
    }
  }

  async userCount(): Promise<number> {
    return this.db.getRepository(EmailUser).count();
  }

  /** Creates the user if needed, grants the role if needed, and issues a token. One transaction. */
  async issue(options: IssueTokenOptions): Promise<IssuedToken> {
    return this.db.transaction((tx) => this.issueIn(tx, options));
  }

  /** Creates the first admin and its token when there are no users yet; null otherwise. */
  async firstAdmin(options: IssueTokenOptions): Promise<IssuedToken | null> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('fourfold:first-admin'))`);
      if ((await tx.getRepository(EmailUser).count()) > 0) return null;
      return this.issueIn(tx, options);
    });
  }

  private async issueIn(tx: EntityManager, options: IssueTokenOptions): Promise<IssuedToken> {
    const email = options.email.trim().toLowerCase();
    {
      const role = await tx.getRepository(Role).findOneBy({ name: options.role, scope: 'global', isActive: true });
      if (!role) throw new UnknownRoleError(`unknown role "${options.role}" (known: ${SYSTEM_ROLES.map((r) => r.name).join(', ')})`);
      const userCreated = await this.ensureUser(tx, email, options.role === 'admin');
      const roleGranted = await this.ensureGrant(tx, email, role, options.grantedBy);
      const token = options.token ?? generateToken();
      const jti = jtiOf(token);
      const expiresAt = options.expiresInSeconds ? new Date(Date.now() + options.expiresInSeconds * 1000) : null;
      const row = tx.getRepository(EmailApiToken).create({
        id: uuidv7(),
        userEmail: email,
        teamId: null,
        name: options.name ?? `${options.role} token`,
        jti,
        tokenHash: hashToken(token),
        serverId: null,
        expiresAt,
        lastUsed: null,
        isActive: true,
        description: `issued by ${options.grantedBy}`,
      });
      await tx.getRepository(EmailApiToken).insert(row);
      return { token, jti, tokenId: row.id, email, role: role.name, expiresAt, userCreated, roleGranted };
    }
  }

  /** Grants a global role. Returns false when the user already held it. */
  async grantRole(email: string, roleName: string, grantedBy: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const role = await tx.getRepository(Role).findOneBy({ name: roleName, scope: 'global', isActive: true });
      if (!role) throw new UnknownRoleError(`unknown role "${roleName}"`);
      await this.ensureUser(tx, email, false);
      return this.ensureGrant(tx, email, role, grantedBy);
    });
  }

  /**
   * Revokes by jti: records the revocation and deactivates the token, in one transaction.
   * Returns the token row as it was and whether this call changed anything (false: it was
   * already revoked), or null when there is no such token (or, with `ownedBy`, none of that user's).
   */
  async revoke(
    jti: string,
    revokedBy: string,
    reason: string | null,
    ownedBy?: string,
  ): Promise<{ token: EmailApiToken; changed: boolean } | null> {
    return this.db.transaction(async (tx) => {
      const where = ownedBy === undefined ? { jti } : { jti, userEmail: ownedBy };
      const token = await tx.getRepository(EmailApiToken).findOne({ where, lock: { mode: 'pessimistic_write' } });
      if (!token) return null;
      const recorded = await tx
        .createQueryBuilder()
        .insert()
        .into(TokenRevocation)
        .values({ jti, revokedBy, reason, tokenExpiry: token.expiresAt })
        .orIgnore()
        .execute();
      const deactivated = token.isActive ? await tx.getRepository(EmailApiToken).update({ id: token.id }, { isActive: false }) : null;
      return { token, changed: (recorded.raw as unknown[]).length > 0 || !!deactivated?.affected };
    });
  }

  /**
   * Resolves a presented token. Every check hits the database: revocation takes effect at once.
   * One statement (token, revocation, user, active global roles, teams): it runs on every
   * authenticated request. `firstUse`: the token had never been used (its last_used was empty).
   */
  async verify(
    token: string,
  ): Promise<{ principal: Principal; firstUse: boolean } | { failure: TokenFailure; email?: string; jti?: string }> {
    const jti = jtiOf(token);
    const [row] = (await this.db.query(VERIFY_SQL, [jti])) as VerifyRow[];
    if (!row || !sameHash(row.token_hash, hashToken(token))) return { failure: 'unknown token' };
    const who = { email: row.user_email, jti };
    if (!row.is_active || row.revoked) return { failure: 'revoked token', ...who };
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) return { failure: 'expired token', ...who };
    if (!row.user_id || !row.user_active) {
      // Off the hot path: only a refused token pays for telling a pending user from a deactivated one.
      const [approval] = (await this.db.query(`SELECT 1 FROM pending_user_approvals WHERE email = $1 AND status = 'pending'`, [
        row.user_email,
      ])) as unknown[];
      return { failure: approval ? 'pending approval' : 'inactive user', ...who };
    }

    const permissions = new Set(row.roles.flatMap((r) => r.permissions));
    const unrestricted = row.roles.some((r) => SYSTEM_ROLES.find((s) => s.name === r.name)?.unrestricted) || permissions.has('*');
    if (!row.last_used || Date.now() - row.last_used.getTime() > 60_000) {
      // Coarse on purpose: one write a minute per token, not one per request. The condition is
      // checked again in the statement, so concurrent requests (and replicas) write it once.
      void this.db
        .query(
          `UPDATE email_api_tokens SET last_used = now() WHERE id = $1 AND (last_used IS NULL OR last_used < now() - interval '1 minute')`,
          [row.id],
        )
        .catch(() => undefined);
    }
    return {
      firstUse: row.last_used === null,
      principal: {
        userId: row.user_id,
        email: row.user_email,
        jti,
        roles: [...new Set(row.roles.map((r) => r.name))].sort(),
        permissions,
        unrestricted,
        teams: row.teams,
      },
    };
  }

  private async ensureUser(tx: EntityManager, email: string, isAdmin: boolean): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(EmailUser)
      .values({ id: uuidv7(), email, isAdmin, isActive: true, authProvider: 'api-token' })
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  private async ensureGrant(tx: EntityManager, email: string, role: Role, grantedBy: string): Promise<boolean> {
    const existing = await tx.getRepository(UserRole).findOneBy({ userEmail: email, roleId: role.id, scope: 'global', isActive: true });
    if (existing) return false;
    await tx.getRepository(UserRole).insert({ id: uuidv7(), userEmail: email, roleId: role.id, scope: 'global', scopeId: null, grantedBy });
    return true;
  }
}
