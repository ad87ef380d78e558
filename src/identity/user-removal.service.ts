import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { EmailUser } from '../core/entities/email-user.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { REGISTRY_RESOURCES } from '../registry/registry-resource';
import { userView } from './identity-views';
import { UsersService } from './users.service';

/**
 * Deleting a user, and what happens to what they own:
 * - refused (409) while they own registry entities (owner_email): hand them over or delete them;
 * - refused while they are the only owner of a team: name another owner first;
 * - teams they created and that live on are credited to the team's oldest other owner (or to
 *   the admin deleting, for a team with none), since created_by must name a user;
 * - their tokens are revoked (token_revocations keeps the record), then the user row goes with
 *   its role grants, memberships (and their history rows: the audit trail keeps every change),
 *   OAuth tokens, approval and pending join requests.
 * Yourself: refused. Deactivation is the everyday way to cut access while keeping everything.
 */
@Injectable()
export class UserRemovalService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async remove(principal: Principal, meta: RequestMeta, email: string): Promise<void> {
    if (email === principal.email) throw new ConflictException('you cannot delete yourself');
    const outcome = await this.db.transaction(async (tx) => {
      const user = await this.users.find(tx, email);
      await tx.query(`SELECT id FROM email_users WHERE id = $1 FOR UPDATE`, [user.id]);
      const owned: string[] = [];
      for (const r of REGISTRY_RESOURCES) {
        const table = tx.connection.getMetadata(r.entity).tableName;
        const [hit] = (await tx.query(`SELECT 1 FROM "${table}" WHERE owner_email = $1 LIMIT 1`, [email])) as unknown[];
        if (hit) owned.push(r.path);
      }
      if (owned.length) throw new ConflictException(`${email} owns registry entities (${owned.join(', ')}): reassign or delete them first`);
      const sole = (await tx.query(
        `SELECT t.slug FROM email_team_members m JOIN email_teams t ON t.id = m.team_id
          WHERE m.user_email = $1 AND m.is_active AND m.role = 'owner'
            AND NOT EXISTS (SELECT 1 FROM email_team_members o WHERE o.team_id = m.team_id AND o.is_active
                              AND o.role = 'owner' AND o.user_email <> $1)
          ORDER BY t.slug`,
        [email],
      )) as Array<{ slug: string }>;
      if (sole.length)
        throw new ConflictException(`${email} is the only owner of ${sole.map((s) => s.slug).join(', ')}: name another owner first`);
      const [transferred] = (await tx.query(
        `UPDATE email_teams t SET created_by = COALESCE(
            (SELECT o.user_email FROM email_team_members o WHERE o.team_id = t.id AND o.is_active AND o.role = 'owner'
                AND o.user_email <> $1 ORDER BY o.joined_at, o.id LIMIT 1), $2), updated_at = now()
          WHERE t.created_by = $1 RETURNING t.id, t.created_by`,
        [email, principal.email],
      )) as [Array<{ id: string; created_by: string }>, number];
      const [revoked] = (await tx.query(
        `WITH r AS (
           INSERT INTO token_revocations (jti, revoked_by, reason, token_expiry)
           SELECT jti, $2, 'user deleted', expires_at FROM email_api_tokens WHERE user_email = $1
           ON CONFLICT (jti) DO NOTHING RETURNING jti)
         SELECT count(*)::int AS n FROM r`,
        [email, principal.email],
      )) as Array<{ n: number }>;
      await tx.query(`DELETE FROM pending_user_approvals WHERE email = $1`, [email]);
      await tx.query(`DELETE FROM email_team_join_requests WHERE user_email = $1 AND status = 'pending'`, [email]);
      await tx.getRepository(EmailUser).delete({ id: user.id });
      return { user, transferred, tokensRevoked: revoked.n };
    });
    await this.audit.record(
      { principal, meta },
      {
        action: 'delete',
        resourceType: 'user',
        resourceId: email,
        resourceName: email,
        oldValues: userView(outcome.user),
        context: { tokens_revoked: outcome.tokensRevoked, teams_credited: outcome.transferred },
      },
    );
  }
}
