/**
 * One vocabulary for log levels. Rows of structured_log_entries and every answer use the
 * stored names; configuration (LOG_LEVEL, LOG_DB_LEVEL) and the logs search accept those and
 * pino's names alike, so `warn` and `warning` are the same level wherever a level is given.
 */
export const STORED_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type StoredLevel = (typeof STORED_LEVELS)[number];

/** pino's level names, lowest first (what the logger is configured with). */
export const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type PinoLevel = (typeof PINO_LEVELS)[number];

/** Every name accepted: the stored ones and pino's. */
export const LEVEL_NAMES = [...new Set([...STORED_LEVELS, ...PINO_LEVELS])] as readonly string[];

export const LEVEL_RULE = `must be one of ${STORED_LEVELS.join(', ')} (pino's trace, warn and fatal are accepted too)`;

/** pino name → stored name, and the stored names to themselves (`trace` is stored as `debug`). */
const TO_STORED: Record<string, StoredLevel> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  fatal: 'critical',
  critical: 'critical',
};

const TO_PINO: Record<StoredLevel, PinoLevel> = { debug: 'debug', info: 'info', warning: 'warn', error: 'error', critical: 'fatal' };

/** pino's numeric levels (10 trace … 60 fatal) → stored name. */
export function storedLevelOfNumber(level: number): StoredLevel {
  return STORED_LEVELS[Math.min(STORED_LEVELS.length - 1, Math.max(0, Math.floor(level / 10) - 2))];
}

/** Any accepted name (either vocabulary, any case) → its stored name; undefined when it is none. */
export function storedLevel(name: string): StoredLevel | undefined {
  return Object.hasOwn(TO_STORED, name.toLowerCase()) ? TO_STORED[name.toLowerCase()] : undefined;
}

/** Any accepted name → the pino level to configure the logger with (`trace` stays `trace`). */
export function pinoLevel(name: string): PinoLevel | undefined {
  const lower = name.toLowerCase();
  if (lower === 'trace') return 'trace';
  const stored = storedLevel(lower);
  return stored && TO_PINO[stored];
}
