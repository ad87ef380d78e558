import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { EmailUser } from '../core/entities/email-user.entity';
import { PendingUserApproval } from '../core/entities/pending-user-approval.entity';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { ApprovalListQueryDto } from './dto/users.dto';
import { approvalView } from './identity-views';

/**
 * pending_user_approvals (USER_APPROVAL_REQUIRED): a new user is inactive until an admin
 * approves it (the user becomes active) or rejects it (it stays inactive; the reason is
 * kept). Only a pending, unexpired approval can be decided; a decision is final (delete the
 * user to let the address ask again).
 */
@Injectable()
export class UserApprovalsService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Oldest first. */
  async list(query: ApprovalListQueryDto) {
    const limit = query.limit ?? 50;
    const qb = this.db
      .getRepository(PendingUserApproval)
      .createQueryBuilder('a')
      .where('a.status = :status', { status: query.status ?? 'pending' });
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
      qb.andWhere('a.id > :after', { after });
    }
    const rows = await qb
      .orderBy('a.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return { items: page.map(approvalView), next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null };
  }

  approve(principal: Principal, meta: RequestMeta, id: string, reason: string | null) {
    return this.decide(principal, meta, id, 'approved', reason);
  }

  reject(principal: Principal, meta: RequestMeta, id: string, reason: string) {
    return this.decide(principal, meta, id, 'rejected', reason);
  }

  private async decide(principal: Principal, meta: RequestMeta, id: string, status: 'approved' | 'rejected', reason: string | null) {
    const { before, after } = await this.db.transaction(async (tx) => {
      const repo = tx.getRepository(PendingUserApproval);
      const row = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundException(`no user approval ${id}`);
      if (row.status !== 'pending') throw new ConflictException(`the approval of ${row.email} was ${row.status} already`);
      if (status === 'approved' && row.expiresAt.getTime() <= Date.now())
        throw new ConflictException(`the approval of ${row.email} expired at ${row.expiresAt.toISOString()}; reject it or delete the user`);
      await repo.update({ id }, { status, approvedBy: principal.email, reviewedAt: new Date(), reason });
      if (status === 'approved') await tx.getRepository(EmailUser).update({ email: row.email }, { isActive: true });
      return { before: row, after: await repo.findOneByOrFail({ id }) };
    });
    await this.audit.record(
      { principal, meta },
      {
        action: status === 'approved' ? 'approve' : 'reject',
        resourceType: 'user_approval',
        resourceId: id,
        resourceName: after.email,
        oldValues: approvalView(before),
        newValues: { ...approvalView(after), user_active: status === 'approved' },
      },
    );
    return approvalView(after);
  }
}
