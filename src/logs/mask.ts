/** What a secret looks like in audit rows, logs and responses. */
export const MASK = '********';

/**
 * Names whose values are secrets wherever they appear: fields, JSON keys, HTTP header names,
 * query parameters. Compared case-insensitively, `-` read as `_` (`Authorization`,
 * `X-Api-Key`, `apiKey` and `api_key` all match).
 */
const SECRET_NAMES = new Set([
  'auth_value',
  'authvalue',
  'api_key',
  'apikey',
  'x_api_key',
  'token',
  'token_hash',
  'tokenhash',
  'password',
  'password_hash',
  'passwordhash',
  'secret',
  'client_secret',
  'clientsecret',
  'client_secret_encrypted',
  'private_key',
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'id_token',
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
]);
/** …and names ending so (`x_auth_token`, `gitlab_private_token`, `db_password`, `x_custom_api_key`); not `token_url`, not `max_tokens`. */
const SECRET_SUFFIXES = ['_token', '_secret', '_password', '_api_key', '_apikey', '_private_key', '_authorization'];

export function isSecretName(name: string): boolean {
  const n = name.toLowerCase().replace(/-/g, '_');
  return SECRET_NAMES.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(s));
}

/** A deep copy with every secret-named field's value replaced by MASK (null stays null: "no secret"). */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretName(k) && v !== null && v !== undefined ? MASK : maskSecrets(v);
  }
  return out as T;
}

/** Names of the top-level fields whose values differ (deep comparison through JSON). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)).sort();
}
