import { ConflictException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { sqlState, SQLSTATE } from '../common/pg-errors';
import { SecretBox, SecretKeys, SecretsUnavailableError } from '../common/secret-box';
import { InjectSettings } from '../config/settings';
import { SsoProvider } from '../core/entities/sso-provider.entity';
import { SEALED_PLACE } from '../core/sealed-columns';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { CreateSsoProviderDto, UpdateSsoProviderDto } from './sso.dto';

/** Where a provider's client secret is sealed. */
export const secretPlace = SEALED_PLACE.ssoClientSecret;

/** A provider as the API shows it: the secret replaced by client_secret_set. */
export function providerView(p: SsoProvider) {
  return {
    id: p.id,
    slug: p.slug,
    display_name: p.displayName,
    provider_type: p.providerType,
    issuer: p.issuer,
    client_id: p.clientId,
    client_secret_set: !!p.clientSecretEncrypted,
    redirect_uri: p.redirectUri,
    scope: p.scope,
    allowed_domains: p.allowedDomains,
    default_role: p.defaultRole,
    default_team_id: p.defaultTeamId,
    enabled: p.isEnabled,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** SSO provider configuration (admins), every change audited, the client secret sealed and never returned. */
@Injectable()
export class SsoProvidersService {
  readonly box: SecretBox;

  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    @InjectSettings('secrets') keys: SecretKeys,
  ) {
    this.box = new SecretBox(keys);
  }

  async list() {
    const rows = await this.db.getRepository(SsoProvider).find({ order: { id: 'ASC' } });
    return { items: rows.map(providerView) };
  }

  async get(id: string) {
    return providerView(await this.find(id));
  }

  async create(principal: Principal, meta: RequestMeta, dto: CreateSsoProviderDto) {
    const id = uuidv7();
    await this.save(id, dto, async (values) => {
      await this.db.getRepository(SsoProvider).insert({ id, slug: dto.slug, providerType: 'oidc', ...values } as SsoProvider);
    });
    const created = await this.find(id);
    await this.record(principal, meta, 'create', created, null);
    return providerView(created);
  }

  async update(principal: Principal, meta: RequestMeta, id: string, dto: UpdateSsoProviderDto) {
    const before = await this.find(id);
    await this.save(id, dto, async (values) => {
      await this.db.getRepository(SsoProvider).update({ id }, values);
    });
    const after = await this.find(id);
    await this.record(principal, meta, 'update', after, before);
    return providerView(after);
  }

  async remove(principal: Principal, meta: RequestMeta, id: string): Promise<void> {
    const before = await this.find(id);
    await this.db.getRepository(SsoProvider).delete({ id });
    await this.record(principal, meta, 'delete', null, before);
  }

  /** An enabled provider by slug, or null. */
  async enabled(slug: string): Promise<SsoProvider | null> {
    return this.db.getRepository(SsoProvider).findOneBy({ slug, isEnabled: true });
  }

  private async save(id: string, dto: UpdateSsoProviderDto, write: (values: Partial<SsoProvider>) => Promise<void>): Promise<void> {
    const values: Partial<SsoProvider> = {};
    if (dto.display_name !== undefined) values.displayName = dto.display_name;
    if (dto.issuer !== undefined) values.issuer = dto.issuer;
    if (dto.client_id !== undefined) values.clientId = dto.client_id;
    if (dto.client_secret !== undefined) values.clientSecretEncrypted = this.seal(dto.client_secret, id);
    if (dto.redirect_uri !== undefined) values.redirectUri = dto.redirect_uri;
    if (dto.scope !== undefined) values.scope = dto.scope;
    if (dto.allowed_domains !== undefined) values.allowedDomains = dto.allowed_domains;
    if (dto.default_role !== undefined) values.defaultRole = dto.default_role;
    if (dto.default_team_id !== undefined) values.defaultTeamId = dto.default_team_id;
    if (dto.enabled !== undefined) values.isEnabled = dto.enabled;
    try {
      await write(values);
    } catch (error) {
      if (sqlState(error) === SQLSTATE.uniqueViolation) throw new ConflictException('a provider with this slug exists');
      if (sqlState(error) === SQLSTATE.foreignKeyViolation)
        throw badField('default_team_id', `default_team_id ${dto.default_team_id} is not a team`);
      throw error;
    }
  }

  private seal(secret: string, id: string): string {
    try {
      return this.box.seal(secret, secretPlace(id)) as string;
    } catch (error) {
      if (error instanceof SecretsUnavailableError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
  }

  private async find(id: string): Promise<SsoProvider> {
    const row = await this.db.getRepository(SsoProvider).findOneBy({ id });
    if (!row) throw new NotFoundException(`SSO provider ${id} not found`);
    return row;
  }

  private async record(principal: Principal, meta: RequestMeta, action: string, after: SsoProvider | null, before: SsoProvider | null) {
    const subject = (after ?? before)!;
    const view = (p: SsoProvider | null) => (p ? { ...providerView(p), client_secret: p.clientSecretEncrypted } : null);
    await this.audit.record(
      { principal, meta },
      {
        action,
        resourceType: 'sso_provider',
        resourceId: subject.id,
        resourceName: subject.slug,
        oldValues: view(before),
        newValues: view(after),
      },
    );
  }
}
