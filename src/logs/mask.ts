/** What a secret looks like in audit rows, logs and responses. */
export const MASK = '********';

/** Field names (snake_case or camelCase) whose values are secrets wherever they appear. */
export const SECRET_FIELDS = new Set([
  'auth_value',
  'authValue',
  'api_key',
  'apiKey',
  'token',
  'token_hash',
  'tokenHash',
  'password',
  'password_hash',
  'passwordHash',
  'client_secret',
  'client_secret_encrypted',
  'access_token',
  'refresh_token',
  'authorization',
]);

/** A deep copy with every secret field's value replaced by MASK (null stays null: "no secret"). */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELDS.has(k) && v !== null && v !== undefined ? MASK : maskSecrets(v);
  }
  return out as T;
}

/** Names of the top-level fields whose values differ (deep comparison through JSON). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)).sort();
}
