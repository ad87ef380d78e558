import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A key of AES-256-GCM and the id stored with every value it seals. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

export interface SecretKeys {
  /** Seals new values (SECRET_KEY); null: none configured. */
  active: SecretKey | null;
  /** Only open values sealed before a rotation (SECRET_KEYS_PREVIOUS). */
  previous: SecretKey[];
  /** NODE_ENV=production: without a key, secrets are refused rather than stored in clear. */
  production: boolean;
}

/** Thrown when a secret must be stored and cannot be: production mode without SECRET_KEY. */
export class SecretsUnavailableError extends Error {
  constructor() {
    super('secrets cannot be stored: SECRET_KEY is not set and NODE_ENV is production (see docs/operations.md, "Secret encryption")');
  }
}

const PREFIX = 'ff1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encryption of secrets at rest (AES-256-GCM). A sealed value is one string,
 * `ff1:<key id>:<base64url(iv | tag | ciphertext)>`, of the JSON of the value (so a string or
 * an object seals alike), bound to where it is stored (`context`, e.g. `tools.auth_value:<id>`,
 * as additional authenticated data: a sealed value copied to another row does not open).
 * The key id lets `secrets rotate` find values sealed with an older key.
 */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: SecretKeys) {
    this.byId = new Map([...(keys.active ? [keys.active] : []), ...keys.previous].map((k) => [k.id, k.key]));
  }

  /** The id of the key new values are sealed with, or null. */
  get activeKeyId(): string | null {
    return this.keys.active?.id ?? null;
  }

  /**
   * The value to store: sealed with the active key; without a key, the value itself outside
   * production (development), SecretsUnavailableError in production.
   */
  seal(value: unknown, context: string): unknown {
    const active = this.keys.active;
    if (!active) {
      if (this.keys.production) throw new SecretsUnavailableError();
      return value;
    }
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', active.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${PREFIX}:${active.id}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')}`;
  }

  /** The stored value opened: a sealed one decrypted (throws on an unknown key or a value moved or altered), any other as it is. */
  open(stored: unknown, context: string): unknown {
    const sealed = parseSealed(stored);
    if (!sealed) return stored;
    const key = this.byId.get(sealed.keyId);
    if (!key) throw new Error(`sealed with key "${sealed.keyId}", which is neither SECRET_KEY nor in SECRET_KEYS_PREVIOUS`);
    const raw = Buffer.from(sealed.data, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    return JSON.parse(text);
  }

  /** Whether a stored value is sealed with the active key (nothing for rotation to do). */
  isCurrent(stored: unknown): boolean {
    const sealed = parseSealed(stored);
    return sealed !== null && sealed.keyId === this.keys.active?.id;
  }
}

/** The key id and data of a sealed value, or null for anything else (a value stored in clear). */
export function parseSealed(stored: unknown): { keyId: string; data: string } | null {
  if (typeof stored !== 'string') return null;
  const m = /^ff1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+)$/.exec(stored);
  return m ? { keyId: m[1], data: m[2] } : null;
}

/** `<id>:<base64 of 32 bytes>`, as SECRET_KEY and each entry of SECRET_KEYS_PREVIOUS are written. */
export function parseSecretKey(text: string): SecretKey | string {
  const m = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/_=-]+)$/.exec(text.trim());
  if (!m) return 'must be <key id>:<base64 of 32 random bytes> (e.g. k2026:$(openssl rand -base64 32))';
  const key = Buffer.from(m[2], 'base64');
  if (key.length !== 32) return `must hold a key of 32 bytes (256 bits), not ${key.length}`;
  return { id: m[1], key };
}
