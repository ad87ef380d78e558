import { badField } from '../common/field-errors';
import { DAY_MS } from '../common/time';

/** Longest window one read of a time-partitioned table may cover, and the default one. */
export const MAX_WINDOW_DAYS = 31;
export const DEFAULT_WINDOW_MS = DAY_MS;
export const DEFAULT_LIMIT = 100;

export interface TimeWindow {
  since: Date;
  until: Date;
}

/**
 * [since, until): until defaults to now, since to a day before until. Every read of a table
 * partitioned by time is bounded by such a window, so it prunes to the partitions it covers
 * instead of scanning the table; a window over MAX_WINDOW_DAYS is refused naming `since`.
 */
export function timeWindow(q: { since?: Date; until?: Date }, now = new Date()): TimeWindow {
  const until = q.until ?? now;
  const since = q.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS);
  if (since.getTime() >= until.getTime()) throw badField('since', 'since must be before until');
  if (until.getTime() - since.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    throw badField('since', `the window from since to until is at most ${MAX_WINDOW_DAYS} days`);
  return { since, until };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A position in a newest-first listing: the row's time in microseconds since the epoch (exact, as text) and its id. */
export interface TimeCursor {
  micros: string;
  id: string;
}

export function encodeTimeCursor(c: TimeCursor): string {
  return Buffer.from(`${c.micros}_${c.id}`, 'utf8').toString('base64url');
}

/** The position in a cursor; 400 naming `cursor` when it is not one of ours. */
export function decodeTimeCursor(cursor: string): TimeCursor {
  const [micros, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('_');
  if (rest.length || !/^-?\d{1,17}$/.test(micros ?? '') || !UUID.test(id ?? ''))
    throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
  return { micros, id };
}

/** SQL that selects a row's cursor position: `<expr> AS cursor_micros`. */
export const cursorMicros = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text AS cursor_micros`;

export interface TimePageQuery {
  /** Fully qualified time column, e.g. `t."timestamp"`. */
  timeColumn: string;
  idColumn: string;
  /** SQL type of the id, for the cursor's comparison (`uuid`, `varchar`). */
  idType: 'uuid' | 'varchar';
  window: TimeWindow;
  cursor?: string;
  /** Parameters already bound by the caller's own conditions. */
  params: unknown[];
}

/**
 * The window and cursor conditions and the order of a newest-first page, with their
 * parameters appended to `params`: `(time, id) < (cursor)` reads on from the last row
 * of the previous page, across partitions, without skipping rows that share a timestamp.
 */
export function timePageSql(q: TimePageQuery): { where: string; orderBy: string; params: unknown[] } {
  const params = [...q.params, q.window.since, q.window.until];
  const conditions = [`${q.timeColumn} >= $${params.length - 1}`, `${q.timeColumn} < $${params.length}`];
  if (q.cursor !== undefined) {
    const { micros, id } = decodeTimeCursor(q.cursor);
    params.push(micros, id);
    conditions.push(
      `(${q.timeColumn}, ${q.idColumn}) < (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::${q.idType})`,
    );
  }
  return { where: conditions.join(' AND '), orderBy: `${q.timeColumn} DESC, ${q.idColumn} DESC`, params };
}

/** The page of `limit` rows out of `limit + 1` fetched, and the cursor to the next one. */
export function timePage<T extends { cursor_micros: string; id: string }>(
  rows: T[],
  limit: number,
): { rows: Array<Omit<T, 'cursor_micros'>>; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ cursor_micros: _, ...rest }) => rest),
    next_cursor: rows.length > limit && last ? encodeTimeCursor({ micros: last.cursor_micros, id: String(last.id) }) : null,
  };
}
