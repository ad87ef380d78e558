import { Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { uuidv7 } from '../common/ids';
import { SecretBox, SecretKeys, SecretsUnavailableError } from '../common/secret-box';
import { InjectSettings } from '../config/settings';
import { SEALED_PLACE } from '../core/sealed-columns';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { ConsumeStateDto, CreateStateDto, RegisterClientDto, StoreTokenDto } from './oauth.dto';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const norm = (email: string) => email.trim().toLowerCase();

interface TokenRow {
  id: string;
  gateway_id: string;
  user_id: string;
  access_token: string;
  refresh_token: string | null;
  token_type: string;
  expires_at: Date | null;
  scopes: string[];
  created_at: Date;
  updated_at: Date;
}

const tokenView = (r: TokenRow) => ({
  gateway_id: r.gateway_id,
  user_email: r.user_id,
  token_type: r.token_type,
  expires_at: iso(r.expires_at),
  scopes: r.scopes,
  refresh_token_set: r.refresh_token !== null,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

/**
 * The credentials the gateway uses towards upstream MCP servers: dynamically registered
 * clients, in-flight authorization states (single use, expiring, bound to gateway and user,
 * PKCE verifier sealed) and tokens per gateway and user (access and refresh sealed). Secrets
 * are returned opened only to gateway.worker; admins list everything without them. The
 * worker acts for every team, so gateways are looked up by id alone. Client registrations and
 * token changes are audited (secrets masked); states are the flow's own traffic.
 */
@Injectable()
export class UpstreamOauthService {
  private readonly box: SecretBox;

  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    @InjectSettings('secrets') keys: SecretKeys,
  ) {
    this.box = new SecretBox(keys);
  }

  async registerClient(principal: Principal, meta: RequestMeta, gatewayId: string, dto: RegisterClientDto) {
    await this.gateway(gatewayId);
    const secret =
      dto.client_secret === undefined ? null : this.seal(dto.client_secret, SEALED_PLACE.oauthClientSecret(gatewayId, dto.issuer));
    const [row] = (await this.db.query(
      `INSERT INTO registered_oauth_clients (id, gateway_id, issuer, client_id, client_secret_encrypted, redirect_uris, metadata, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ON CONSTRAINT uq_registered_oauth_clients_gateway_issuer DO UPDATE SET client_id = EXCLUDED.client_id,
         client_secret_encrypted = EXCLUDED.client_secret_encrypted, redirect_uris = EXCLUDED.redirect_uris,
         metadata = EXCLUDED.metadata, expires_at = EXCLUDED.expires_at, is_active = true
       RETURNING id, gateway_id, issuer, client_id, client_secret_encrypted IS NOT NULL AS client_secret_set, redirect_uris, metadata,
                 expires_at, is_active, created_at`,
      [
        uuidv7(),
        gatewayId,
        dto.issuer,
        dto.client_id,
        secret,
        JSON.stringify(dto.redirect_uris ?? []),
        dto.metadata ?? {},
        dto.expires_at ?? null,
      ],
    )) as Array<Record<string, unknown>>;
    const view = { ...row, expires_at: iso(row.expires_at as Date | null), created_at: iso(row.created_at as Date) };
    await this.audit.record(
      { principal, meta },
      { action: 'register', resourceType: 'oauth_client', resourceId: String(row.id), resourceName: dto.issuer, newValues: view },
    );
    return view;
  }

  /** Without secrets: `client_secret_set` instead. */
  async listClients(gatewayId: string) {
    await this.gateway(gatewayId);
    const rows = (await this.db.query(
      `SELECT id, gateway_id, issuer, client_id, client_secret_encrypted IS NOT NULL AS client_secret_set, redirect_uris, metadata,
              expires_at, is_active, created_at
         FROM registered_oauth_clients WHERE gateway_id = $1 ORDER BY id`,
      [gatewayId],
    )) as Array<Record<string, unknown>>;
    return { items: rows.map((r) => ({ ...r, expires_at: iso(r.expires_at as Date | null), created_at: iso(r.created_at as Date) })) };
  }

  /** A new state for an authorization request: random, expiring, bound to the gateway and the user. */
  async createState(gatewayId: string, dto: CreateStateDto) {
    await this.gateway(gatewayId);
    const id = uuidv7();
    const state = randomBytes(32).toString('base64url');
    const [row] = (await this.db.query(
      `INSERT INTO oauth_states (id, gateway_id, state, code_verifier, user_email, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING expires_at`,
      [id, gatewayId, state, this.seal(dto.code_verifier, SEALED_PLACE.oauthVerifier(id)), norm(dto.user_email), dto.ttl_seconds ?? 600],
    )) as Array<{ expires_at: Date }>;
    return { state, expires_at: iso(row.expires_at) };
  }

  /**
   * Consumes a state once: the callback's state, for this gateway and user, not used, not
   * expired. Every other case answers the same 404 (no oracle for states of others). The
   * row is marked used in the statement that reads it, so two callbacks cannot both win.
   */
  async consumeState(gatewayId: string, dto: ConsumeStateDto) {
    const [rows] = (await this.db.query(
      `UPDATE oauth_states SET used = true
        WHERE state = $1 AND gateway_id = $2 AND user_email = $3 AND NOT used AND expires_at > now()
        RETURNING id, code_verifier`,
      [dto.state, gatewayId, norm(dto.user_email)],
    )) as [Array<{ id: string; code_verifier: string | null }>, number];
    if (!rows.length) throw new NotFoundException('no such state (unknown, used, expired, or for another gateway or user)');
    const { id, code_verifier } = rows[0];
    return { code_verifier: code_verifier === null ? null : (this.box.open(code_verifier, SEALED_PLACE.oauthVerifier(id)) as string) };
  }

  async storeToken(principal: Principal, meta: RequestMeta, gatewayId: string, email: string, dto: StoreTokenDto) {
    await this.gateway(gatewayId);
    const user = norm(email);
    const params = [
      uuidv7(),
      gatewayId,
      user,
      this.seal(dto.access_token, SEALED_PLACE.oauthAccess(gatewayId, user)),
      dto.refresh_token === undefined ? null : this.seal(dto.refresh_token, SEALED_PLACE.oauthRefresh(gatewayId, user)),
      dto.token_type ?? 'Bearer',
      dto.expires_at ?? null,
      JSON.stringify(dto.scopes ?? []),
    ];
    let row: TokenRow;
    try {
      [row] = (await this.db.query(
        `INSERT INTO oauth_tokens (id, gateway_id, user_id, access_token, refresh_token, token_type, expires_at, scopes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT ON CONSTRAINT uq_oauth_tokens_gateway_user DO UPDATE SET access_token = EXCLUDED.access_token,
           refresh_token = EXCLUDED.refresh_token, token_type = EXCLUDED.token_type, expires_at = EXCLUDED.expires_at,
           scopes = EXCLUDED.scopes, updated_at = now()
         RETURNING *`,
        params,
      )) as TokenRow[];
    } catch (error) {
      if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'fk_oauth_tokens_user_id')
        throw new NotFoundException(`no user ${user}`);
      throw error;
    }
    const view = tokenView(row);
    await this.audit.record(
      { principal, meta },
      {
        action: 'store',
        resourceType: 'oauth_token',
        resourceId: row.id,
        resourceName: `${gatewayId}:${user}`,
        newValues: { ...view, access_token: 'set' },
      },
    );
    return view;
  }

  /** The token opened: for gateway.worker only (the route says so). */
  async openToken(gatewayId: string, email: string) {
    const row = await this.token(gatewayId, norm(email));
    return {
      ...tokenView(row),
      access_token: this.box.open(row.access_token, SEALED_PLACE.oauthAccess(gatewayId, row.user_id)) as string,
      refresh_token:
        row.refresh_token === null ? null : (this.box.open(row.refresh_token, SEALED_PLACE.oauthRefresh(gatewayId, row.user_id)) as string),
    };
  }

  /** Without secrets. */
  async listTokens(gatewayId: string) {
    await this.gateway(gatewayId);
    const rows = (await this.db.query(`SELECT * FROM oauth_tokens WHERE gateway_id = $1 ORDER BY user_id`, [gatewayId])) as TokenRow[];
    return { items: rows.map(tokenView) };
  }

  async deleteToken(principal: Principal, meta: RequestMeta, gatewayId: string, email: string): Promise<void> {
    const row = await this.token(gatewayId, norm(email));
    await this.db.query(`DELETE FROM oauth_tokens WHERE id = $1`, [row.id]);
    await this.audit.record(
      { principal, meta },
      {
        action: 'delete',
        resourceType: 'oauth_token',
        resourceId: row.id,
        resourceName: `${gatewayId}:${row.user_id}`,
        oldValues: tokenView(row),
      },
    );
  }

  private async token(gatewayId: string, user: string): Promise<TokenRow> {
    const [row] = (await this.db.query(`SELECT * FROM oauth_tokens WHERE gateway_id = $1 AND user_id = $2`, [
      gatewayId,
      user,
    ])) as TokenRow[];
    if (!row) throw new NotFoundException(`no token of gateway ${gatewayId} for ${user}`);
    return row;
  }

  private async gateway(id: string): Promise<void> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM gateways WHERE id = $1`, [id]);
    if (!rows.length) throw new NotFoundException(`gateway ${id} not found`);
  }

  private seal(value: string, place: string): string {
    try {
      return this.box.seal(value, place) as string;
    } catch (error) {
      if (error instanceof SecretsUnavailableError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
  }
}
