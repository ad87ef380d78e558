import { ForbiddenException, Injectable, NotFoundException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { InjectSettings, SsoSettings } from '../config/settings';
import { SsoProvider } from '../core/entities/sso-provider.entity';
import { SEALED_PLACE } from '../core/sealed-columns';
import { CORE_DB } from '../database/roles';
import { SsoAccounts, SsoLoginResult } from './sso-accounts';
import { secretPlace, SsoProvidersService } from './sso-providers.service';
import { CallbackQueryDto } from './sso.dto';

const verifierPlace = SEALED_PLACE.ssoVerifier;

/** Whether an email's domain is one the provider admits (none listed: any). */
export function domainAllowed(email: string, allowed: string[]): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return allowed.length === 0 || allowed.includes(domain);
}

/**
 * OIDC authorization-code login with PKCE (openid-client). `start` keeps the flow's state,
 * nonce and sealed verifier in sso_auth_sessions (expiring after SSO_LOGIN_TTL_SECONDS) and
 * sends the browser to the provider; `finish` takes that row away in the statement that reads
 * it (single use), exchanges the code, checks the ID token (issuer, audience, nonce), and signs
 * in the verified email through SsoAccounts.
 */
@Injectable()
export class SsoLoginService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly providers: SsoProvidersService,
    private readonly accounts: SsoAccounts,
    @InjectSettings('sso') private readonly settings: SsoSettings,
  ) {}

  /** The provider's authorization URL for a new login. */
  async start(slug: string, loginHint: string | undefined): Promise<string> {
    const provider = await this.provider(slug);
    const config = await this.discover(provider);
    const id = uuidv7();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await this.db.query(
      `INSERT INTO sso_auth_sessions (id, provider_id, state, code_verifier, nonce, redirect_uri, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
      [
        id,
        provider.id,
        state,
        this.providers.box.seal(verifier, verifierPlace(id)),
        nonce,
        provider.redirectUri,
        this.settings.loginTtlSeconds,
      ],
    );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: provider.redirectUri!,
      scope: provider.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    return url.href;
  }

  async finish(slug: string, query: CallbackQueryDto): Promise<SsoLoginResult> {
    const provider = await this.provider(slug);
    if (query.error) throw new UnauthorizedException(`the provider refused the login: ${query.error}`);
    if (!query.state) throw badField('state', 'state is required');
    if (!query.code) throw badField('code', 'code is required');
    const [rows] = (await this.db.query(
      `DELETE FROM sso_auth_sessions WHERE state = $1 AND provider_id = $2 RETURNING id, code_verifier, nonce, expires_at > now() AS fresh`,
      [query.state, provider.id],
    )) as [Array<{ id: string; code_verifier: string; nonce: string; fresh: boolean }>, number];
    const session = rows[0];
    if (!session) throw badField('state', 'state is unknown or was already used: start the login again');
    if (!session.fresh) throw badField('state', 'the login expired: start it again');

    const config = await this.discover(provider);
    const callback = new URL(provider.redirectUri!);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) callback.searchParams.set(k, v);
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: this.providers.box.open(session.code_verifier, verifierPlace(session.id)) as string,
        expectedState: query.state,
        expectedNonce: session.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      throw new UnauthorizedException(`the provider did not accept the login: ${(error as Error).message}`);
    }
    const email = typeof claims?.email === 'string' ? claims.email.trim().toLowerCase() : null;
    if (!email || claims?.email_verified !== true)
      throw new ForbiddenException('the provider did not vouch for an email address (email_verified)');
    if (!domainAllowed(email, provider.allowedDomains))
      throw new ForbiddenException(`${email.split('@')[1]} is not a domain this provider admits`);
    const fullName = typeof claims?.name === 'string' ? claims.name.slice(0, 255) : null;
    return this.accounts.signIn(
      {
        email,
        fullName,
        provider: {
          slug: provider.slug,
          providerType: provider.providerType,
          defaultRole: provider.defaultRole,
          defaultTeamId: provider.defaultTeamId,
        },
      },
      this.settings.tokenSeconds,
    );
  }

  private async provider(slug: string): Promise<SsoProvider> {
    const provider = await this.providers.enabled(slug);
    if (!provider || !provider.issuer || !provider.redirectUri) throw new NotFoundException(`no SSO provider ${slug}`);
    return provider;
  }

  private async discover(provider: SsoProvider): Promise<oidc.Configuration> {
    const secret = this.providers.box.open(provider.clientSecretEncrypted, secretPlace(provider.id)) as string;
    try {
      return await oidc.discovery(
        new URL(provider.issuer!),
        provider.clientId,
        secret,
        undefined,
        this.settings.allowHttpIssuers ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
    } catch (error) {
      throw new ServiceUnavailableException(`the provider's discovery document could not be read: ${(error as Error).message}`);
    }
  }
}
