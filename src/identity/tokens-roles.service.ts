import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hasPermission, PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { EmailApiToken } from '../core/entities/email-api-token.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { RoleListQueryDto, TokenListQueryDto } from './dto/tokens.dto';
import { tokenView } from './identity-views';

/** Token metadata (never a hash) and role grants: reads for their owner and admins, revocation of a grant. */
@Injectable()
export class TokensRolesService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Your tokens; everyone's (or one user's) with tokens.manage. Oldest first. */
  async listTokens(principal: Principal, query: TokenListQueryDto) {
    const manager = hasPermission(principal.permissions, PERMISSIONS.tokensManage);
    const email = query.user_email?.trim().toLowerCase();
    if (email && email !== principal.email && !manager)
      throw new ForbiddenException('other users’ tokens need the tokens.manage permission');
    const owner = email ?? (manager ? undefined : principal.email);
    const limit = query.limit ?? 50;
    const qb = this.db.getRepository(EmailApiToken).createQueryBuilder('t');
    if (owner) qb.andWhere('t.user_email = :owner', { owner });
    if (query.is_active === true) qb.andWhere('t.is_active AND NOT EXISTS (SELECT 1 FROM token_revocations r WHERE r.jti = t.jti)');
    if (query.is_active === false) qb.andWhere('(NOT t.is_active OR EXISTS (SELECT 1 FROM token_revocations r WHERE r.jti = t.jti))');
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
      qb.andWhere('t.id > :after', { after });
    }
    const rows = await qb
      .orderBy('t.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const revocations = page.length
      ? ((await this.db.query(`SELECT jti, revoked_at, reason FROM token_revocations WHERE jti = ANY($1)`, [
          page.map((t) => t.jti),
        ])) as Array<{
          jti: string;
          revoked_at: Date;
          reason: string | null;
        }>)
      : [];
    return {
      items: page.map((t) => tokenView(t, revocations.find((r) => r.jti === t.jti) ?? null)),
      next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null,
    };
  }

  /** A user's grants (active ones unless `all`): their own, or anyone's with roles.manage. */
  async listRoles(principal: Principal, email: string, query: RoleListQueryDto) {
    if (email !== principal.email && !hasPermission(principal.permissions, PERMISSIONS.rolesManage))
      throw new ForbiddenException('other users’ roles need the roles.manage permission');
    const rows = (await this.db.query(
      `SELECT ur.id, ro.name AS role, ur.scope, ur.scope_id, ur.granted_by, ur.granted_at, ur.expires_at, ur.is_active, ro.permissions
         FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id
        WHERE ur.user_email = $1 AND ($2 OR (ur.is_active AND (ur.expires_at IS NULL OR ur.expires_at > now())))
          AND ($3::varchar IS NULL OR ur.scope = $3)
        ORDER BY ur.granted_at, ur.id LIMIT 1000`,
      [email, query.all === true, query.scope ?? null],
    )) as Array<Record<string, unknown>>;
    if (!rows.length && !(await this.db.query(`SELECT 1 FROM email_users WHERE email = $1`, [email])).length)
      throw new NotFoundException(`no user ${email}`);
    return { items: rows.map((r) => ({ ...r, granted_at: iso(r.granted_at), expires_at: iso(r.expires_at) })) };
  }

  /**
   * Revokes a user's active global grant of a role: its permissions stop at the user's next
   * request (the verify statement reads active grants). The last active admin keeps theirs.
   */
  async revokeRole(principal: Principal, meta: RequestMeta, email: string, role: string): Promise<void> {
    const revoked = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('fourfold:role-grants'))`);
      if (role === 'admin') {
        const [{ n }] = (await tx.query(
          `SELECT count(DISTINCT ur.user_email)::int AS n FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id
             JOIN email_users u ON u.email = ur.user_email AND u.is_active
            WHERE ro.name = 'admin' AND ur.scope = 'global' AND ur.is_active AND ur.user_email <> $1
              AND (ur.expires_at IS NULL OR ur.expires_at > now())`,
          [email],
        )) as Array<{ n: number }>;
        if (n === 0) throw new ConflictException('that is the last active admin: grant admin to someone else first');
      }
      const [rows] = (await tx.query(
        `UPDATE user_roles ur SET is_active = false FROM roles ro
          WHERE ro.id = ur.role_id AND ro.name = $2 AND ur.user_email = $1 AND ur.scope = 'global' AND ur.is_active
          RETURNING ur.id, ur.granted_by, ur.granted_at`,
        [email, role],
      )) as [Array<{ id: string; granted_by: string; granted_at: Date }>, number];
      return rows;
    });
    if (!revoked.length) throw new NotFoundException(`${email} holds no active grant of role ${role}`);
    await this.audit.record(
      { principal, meta },
      {
        action: 'revoke',
        resourceType: 'user_role',
        resourceId: email,
        resourceName: role,
        oldValues: { user_email: email, role, scope: 'global', is_active: true, grants: revoked.map((r) => r.id) },
        newValues: { user_email: email, role, scope: 'global', is_active: false },
      },
    );
  }
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
