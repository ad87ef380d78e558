/** Durations in milliseconds. */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * An ISO 8601 date-time with a time zone (`2026-01-31T12:00:00Z`, `…T12:00+01:00`, `…+0100`), as a Date;
 * null for anything else: another format, a date that does not exist (`2026-02-30`, which
 * `new Date` turns into March 2), or a year outside 0001-9999 (PostgreSQL's timestamptz
 * refuses years JavaScript accepts, such as -271821). The one parser of dates in input.
 */
export function parseIsoDateTime(text: string): Date | null {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  if (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null;
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (year < 100) local.setUTCFullYear(year, month - 1, day); // Date.UTC reads 0-99 as 1900-1999
  return new Date(local.getTime() - offsetMinutes * MINUTE_MS);
}

/** A whole number in decimal digits only (`16`, not `0x10`, `1e1`, ` 16` or ``); null otherwise. */
export function parseDecimalInt(text: string): number | null {
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}
