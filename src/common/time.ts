/** Durations in milliseconds. */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The instants input may name: years 0001-9999, UTC (PostgreSQL's timestamptz holds more, JavaScript's Date too, ISO 8601 text in four digits not). */
export const MIN_TIME_MS = new Date('0001-01-01T00:00:00Z').getTime();
export const MAX_TIME_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

/** Whether a Date is one input may name (and PostgreSQL store): a valid instant in years 0001-9999. */
export const isSupportedTime = (at: Date): boolean => {
  const t = at.getTime();
  return t >= MIN_TIME_MS && t <= MAX_TIME_MS;
};

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number) => (month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]);

/**
 * An ISO 8601 date-time with a time zone (`2026-01-31T12:00:00Z`, `…T12:00+01:00`, `…+0100`), as a Date;
 * null for anything else: another format, a date that does not exist (`2026-02-30`, which
 * `new Date` turns into March 2), or a year outside 0001-9999 (PostgreSQL's timestamptz
 * refuses years JavaScript accepts, such as -271821), or an instant outside them once the offset
 * is applied (isSupportedTime). The one parser of dates in input: query strings, bodies, cursors.
 */
export function parseIsoDateTime(text: string): Date | null {
  const utc = parseUtcDateTime(text);
  if (utc !== undefined) return utc;
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
  // An offset can carry 0001-01-01T00:00+01:00 into year 0, 9999-12-31T23:59-01:00 into 10000.
  const at = new Date(local.getTime() - offsetMinutes * MINUTE_MS);
  return isSupportedTime(at) ? at : null;
}

/** Milliseconds per unit of a one-, two- or three-digit fraction of a second. */
const FRACTION_SCALE = [100, 10, 1];

/** Digits of `text` from `start` to `end` as a number; -1 when any is not a digit. */
function digitsAt(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The shape clients send nearly always, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, read without a
 * regular expression (it runs for every row at ingest speed): the Date, null when it has
 * that shape but names no real instant, undefined for any other shape (the general parser's turn).
 */
function parseUtcDateTime(text: string): Date | null | undefined {
  const n = text.length;
  if (n < 20 || n > 30 || text.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  let ms = 0;
  if (n > 20) {
    const digits = n - 21; // between the '.' and the 'Z'
    if (text[19] !== '.' || digits === 0 || digitsAt(text, 20, n - 1) < 0) return undefined;
    ms = digitsAt(text, 20, 20 + Math.min(digits, 3)) * FRACTION_SCALE[Math.min(digits, 3) - 1];
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (year < 100) return undefined; // Date.UTC's 1900s reading: the general parser handles it
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

/** A whole number in decimal digits only (`16`, not `0x10`, `1e1`, ` 16` or ``); null otherwise. */
export function parseDecimalInt(text: string): number | null {
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}
