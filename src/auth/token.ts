import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of generated tokens, so that a leaked one is easy to recognise (and to scan for). */
export const TOKEN_PREFIX = 'ff_';

/** A new API token: the prefix and 32 random bytes, base64url. Shown once, never stored. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What is stored: the SHA-256 of the token, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The token's jti, derived from its hash: the first 128 bits shaped as a UUIDv8 (RFC 9562,
 * "custom"). A presented token is looked up by this unique, indexed value, whatever its
 * format (an ADMIN_TOKEN chosen by an operator included), then its full hash is compared.
 */
export function jtiOf(token: string): string {
  const h = hashToken(token).slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30d`, `12h`, `90m`, `45s`, `2w` → seconds. Throws on anything else. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim().toLowerCase());
  if (!match || Number(match[1]) <= 0) throw new Error(`invalid duration "${text}" (expected e.g. 30d, 12h, 90m)`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/** Bearer token from an Authorization header, or null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
