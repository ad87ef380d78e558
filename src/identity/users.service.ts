import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { DAY_MS } from '../common/time';
import { AuthSettings, InjectSettings } from '../config/settings';
import { EmailUser } from '../core/entities/email-user.entity';
import { PendingUserApproval } from '../core/entities/pending-user-approval.entity';
import { CORE_DB } from '../database/roles';
import { Actor, AuditEntry, AuditService } from '../logs/audit.service';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { CreateUserDto, UpdateUserDto, UserListQueryDto } from './dto/users.dto';
import { userView } from './identity-views';

/** How long a new user's approval may wait before it can no longer be granted. */
export const APPROVAL_TTL_DAYS = 30;

export interface NewUser {
  email: string;
  fullName?: string | null;
  /** `local`, `api-token`, an SSO provider's type… */
  authProvider?: string;
}

export interface ProvisionedUser {
  user: EmailUser;
  /** False when the user existed already (then nothing else was changed). */
  created: boolean;
  /** Created inactive, waiting in pending_user_approvals (USER_APPROVAL_REQUIRED). */
  pending: boolean;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * The one place users come to exist and change state: admins, invitations and sign-ins all
 * create them through `ensureIn` / `provision`, so USER_APPROVAL_REQUIRED holds for every
 * path. Whether a user may authenticate is `email_users.is_active`, which the single verify
 * statement of every request already reads: deactivation and approval take effect at the
 * next request with no lookup of their own.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    @InjectSettings('auth') private readonly settings: AuthSettings,
  ) {}

  /** The user, created when unknown (inactive and pending approval when approval is required), in the caller's transaction. */
  async ensureIn(tx: EntityManager, input: NewUser): Promise<ProvisionedUser> {
    const email = normalizeEmail(input.email);
    const pending = this.settings.userApprovalRequired;
    const authProvider = input.authProvider ?? 'local';
    const inserted = (await tx
      .createQueryBuilder()
      .insert()
      .into(EmailUser)
      .values({ id: uuidv7(), email, fullName: input.fullName ?? null, isActive: !pending, isAdmin: false, authProvider })
      .orIgnore()
      .execute()) as { raw: unknown[] };
    const user = await tx.getRepository(EmailUser).findOneByOrFail({ email });
    if (inserted.raw.length === 0) return { user, created: false, pending: false };
    if (pending) {
      // A left-over decision for this address (its user was deleted) gives way to the new request.
      await tx.getRepository(PendingUserApproval).delete({ email });
      await tx.getRepository(PendingUserApproval).insert({
        id: uuidv7(),
        email,
        fullName: input.fullName ?? email,
        authProvider,
        expiresAt: new Date(Date.now() + APPROVAL_TTL_DAYS * DAY_MS),
        status: 'pending',
      });
    }
    return { user, created: true, pending };
  }

  /** Find or create a user in a transaction of its own, the creation audited (sign-ins and other modules call this). */
  async provision(actor: Actor, input: NewUser): Promise<ProvisionedUser> {
    const result = await this.db.transaction((tx) => this.ensureIn(tx, input));
    if (result.created) await this.audit.record(actor, userCreatedEntry(result));
    return result;
  }

  /** 409 when the email is taken. */
  async create(principal: Principal, meta: RequestMeta, dto: CreateUserDto) {
    const result = await this.db.transaction((tx) =>
      this.ensureIn(tx, { email: dto.email, fullName: dto.full_name, authProvider: dto.auth_provider }),
    );
    if (!result.created) throw new ConflictException(`a user ${normalizeEmail(dto.email)} exists already`);
    await this.audit.record({ principal, meta }, userCreatedEntry(result));
    return userView(result.user, result.pending ? ({ status: 'pending' } as PendingUserApproval) : null);
  }

  /** Oldest first by id; `q` matches part of the email or the name. */
  async list(query: UserListQueryDto) {
    const limit = query.limit ?? 50;
    const qb = this.db.getRepository(EmailUser).createQueryBuilder('u');
    if (query.cursor !== undefined) {
      const after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
      qb.andWhere('u.id > :after', { after });
    }
    if (query.q !== undefined) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(new Brackets((w) => w.where(`u.email ILIKE :like ESCAPE '\\'`, { like }).orWhere(`u.full_name ILIKE :like ESCAPE '\\'`)));
    }
    if (query.is_active !== undefined) qb.andWhere('u.is_active = :active', { active: query.is_active });
    if (query.auth_provider !== undefined) qb.andWhere('u.auth_provider = :provider', { provider: query.auth_provider });
    const rows = await qb
      .orderBy('u.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const approvals = page.length ? await this.db.getRepository(PendingUserApproval).findBy(page.map((u) => ({ email: u.email }))) : [];
    return {
      items: page.map((u) => userView(u, approvals.find((a) => a.email === u.email) ?? null)),
      next_cursor: rows.length > limit ? encodeListCursor(page[page.length - 1].id) : null,
    };
  }

  async get(email: string) {
    const user = await this.find(this.db.manager, email);
    return userView(user, await this.db.getRepository(PendingUserApproval).findOneBy({ email }));
  }

  async update(principal: Principal, meta: RequestMeta, email: string, dto: UpdateUserDto) {
    if (dto.full_name === undefined) throw badField('full_name', 'nothing to change: send full_name');
    const before = await this.find(this.db.manager, email);
    await this.db.getRepository(EmailUser).update({ id: before.id }, { fullName: dto.full_name });
    const after = await this.find(this.db.manager, email);
    if (before.fullName !== after.fullName)
      await this.audit.record(
        { principal, meta },
        {
          action: 'update',
          resourceType: 'user',
          resourceId: email,
          resourceName: email,
          oldValues: userView(before),
          newValues: userView(after),
        },
      );
    return this.get(email);
  }

  /**
   * Deactivates or reactivates. A deactivated user's tokens are refused from the next request
   * on (the verify statement reads is_active). Yourself: refused. Reactivating a user whose
   * approval is pending or was rejected: refused (approve it instead, or delete the user).
   */
  async setActive(principal: Principal, meta: RequestMeta, email: string, active: boolean) {
    if (email === principal.email) throw new ConflictException('you cannot deactivate or reactivate yourself');
    const before = await this.find(this.db.manager, email);
    const approval = await this.db.getRepository(PendingUserApproval).findOneBy({ email });
    if (active && approval && approval.status !== 'approved')
      throw new ConflictException(
        `${email} is ${approval.status} approval: ${approval.status === 'pending' ? 'approve it' : 'delete the user'} instead`,
      );
    if (before.isActive !== active) {
      await this.db.getRepository(EmailUser).update({ id: before.id }, { isActive: active });
      await this.audit.record(
        { principal, meta },
        {
          action: active ? 'reactivate' : 'deactivate',
          resourceType: 'user',
          resourceId: email,
          resourceName: email,
          oldValues: { email, is_active: before.isActive },
          newValues: { email, is_active: active },
        },
      );
    }
    return this.get(email);
  }

  async find(tx: EntityManager, email: string): Promise<EmailUser> {
    const user = await tx.getRepository(EmailUser).findOneBy({ email });
    if (!user) throw new NotFoundException(`no user ${email}`);
    return user;
  }
}

/** The audit entry of a user's creation, whoever created it. */
export function userCreatedEntry(p: ProvisionedUser): AuditEntry {
  return {
    action: 'create',
    resourceType: 'user',
    resourceId: p.user.email,
    resourceName: p.user.email,
    newValues: { ...userView(p.user), approval_status: p.pending ? 'pending' : null },
  };
}
