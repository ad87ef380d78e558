import { z } from 'zod';
import type { FieldError } from '../common/json-guard';

/** An HTTP header name (RFC 9110 token). */
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be HTTP header names')
  .refine((h) => !['authorization', 'cookie', 'proxy-authorization'].includes(h.toLowerCase()), 'may not forward credentials headers');

/**
 * The gateway-wide settings (`global_config`), the one definition of their names, types,
 * bounds and defaults: validated on change, documented in OpenAPI from here, applied to the
 * stored row on read (a stored value that no longer fits falls back to its default).
 */
export const GLOBAL_SETTINGS_SCHEMA = z
  .object({
    passthrough_headers: z
      .array(headerName)
      .max(64)
      .default([])
      .describe('Headers of client requests the gateway forwards to upstream servers (never Authorization or Cookie)'),
    tool_timeout_ms: z.number().int().min(100).max(600_000).default(60_000).describe('How long the gateway waits for a tool call'),
    tool_max_retries: z.number().int().min(0).max(10).default(0).describe('Retries of a failed tool call'),
    health_check_interval_seconds: z.number().int().min(5).max(86_400).default(60).describe('How often gateways are probed'),
    federation_enabled: z.boolean().default(true).describe('Whether the gateway federates its peer gateways'),
    maintenance_message: z.string().max(1000).nullable().default(null).describe('Shown to clients while set'),
  })
  .strict();

export type GlobalSettings = z.output<typeof GLOBAL_SETTINGS_SCHEMA>;
type Key = keyof GlobalSettings;
const SHAPE = GLOBAL_SETTINGS_SCHEMA.shape;
const KEYS = Object.keys(SHAPE) as Key[];

/** A change: any of the settings, and the version it was based on. */
export const SETTINGS_CHANGE_SCHEMA = z
  .object({
    version: z.number().int().min(0).max(2_147_483_647).describe('The `version` last read; 409 if the settings changed since'),
    ...Object.fromEntries(KEYS.map((k) => [k, SHAPE[k].removeDefault().optional()])),
  })
  .strict();

export type SettingsChange = { version: number } & Partial<GlobalSettings>;

/** The stored row read through the schema: each value that fits is kept, any other is its default. */
export function storedSettings(raw: Record<string, unknown>): GlobalSettings {
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const parsed = SHAPE[key].safeParse(raw[key]);
    out[key] = parsed.success ? parsed.data : SHAPE[key].parse(undefined);
  }
  return out as GlobalSettings;
}

/** The change validated, or the problems, each naming its field. */
export function parseChange(body: unknown): { change: SettingsChange } | { errors: FieldError[] } {
  const result = SETTINGS_CHANGE_SCHEMA.safeParse(body);
  if (result.success) return { change: result.data as SettingsChange };
  return {
    errors: result.error.issues.map((issue) => {
      const keys = issue.code === z.ZodIssueCode.unrecognized_keys ? issue.keys : [];
      const field = [...issue.path.map(String), ...keys.slice(0, 1)].join('.') || 'body';
      const reason = issue.code === z.ZodIssueCode.unrecognized_keys ? `${field} is not a setting` : `${field} ${issue.message}`;
      return { field, reason };
    }),
  };
}
