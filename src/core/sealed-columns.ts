/**
 * Secrets of core outside the registry, sealed with SECRET_KEY (src/common/secret-box.ts), and
 * the place each is bound to: the services seal and open through these, `secrets rotate`
 * seals them again with a new key. A place names the row by what stays fixed for it.
 */
export const SEALED_PLACE = {
  oauthClientSecret: (gatewayId: string, issuer: string) => `registered_oauth_clients.client_secret_encrypted:${gatewayId}:${issuer}`,
  oauthVerifier: (id: string) => `oauth_states.code_verifier:${id}`,
  oauthAccess: (gatewayId: string, user: string) => `oauth_tokens.access_token:${gatewayId}:${user}`,
  oauthRefresh: (gatewayId: string, user: string) => `oauth_tokens.refresh_token:${gatewayId}:${user}`,
  ssoClientSecret: (id: string) => `sso_providers.client_secret_encrypted:${id}`,
  ssoVerifier: (id: string) => `sso_auth_sessions.code_verifier:${id}`,
};

export interface SealedColumn {
  table: string;
  column: string;
  /** Columns the place is made of (besides `id`). */
  uses: string[];
  place: (row: Record<string, string>) => string;
}

export const CORE_SEALED_COLUMNS: SealedColumn[] = [
  {
    table: 'registered_oauth_clients',
    column: 'client_secret_encrypted',
    uses: ['gateway_id', 'issuer'],
    place: (r) => SEALED_PLACE.oauthClientSecret(r.gateway_id, r.issuer),
  },
  { table: 'oauth_states', column: 'code_verifier', uses: [], place: (r) => SEALED_PLACE.oauthVerifier(r.id) },
  {
    table: 'oauth_tokens',
    column: 'access_token',
    uses: ['gateway_id', 'user_id'],
    place: (r) => SEALED_PLACE.oauthAccess(r.gateway_id, r.user_id),
  },
  {
    table: 'oauth_tokens',
    column: 'refresh_token',
    uses: ['gateway_id', 'user_id'],
    place: (r) => SEALED_PLACE.oauthRefresh(r.gateway_id, r.user_id),
  },
  { table: 'sso_providers', column: 'client_secret_encrypted', uses: [], place: (r) => SEALED_PLACE.ssoClientSecret(r.id) },
  { table: 'sso_auth_sessions', column: 'code_verifier', uses: [], place: (r) => SEALED_PLACE.ssoVerifier(r.id) },
];
