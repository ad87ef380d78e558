/**
 * Opaque page cursors: a JSON array of the values where a page ended, base64url. A cursor is
 * validated as a whole: its text must be exactly what `encodeCursor` makes of the values it
 * decodes to (no padding, no stray or extra characters, no other spelling of the same bytes),
 * and every value must pass the listing's own check (each time through the one date parser,
 * each number within what its column holds). Anything else is not one of ours: the caller
 * answers 400 naming `cursor`.
 */

/** Said by every refusal of a cursor. */
export const CURSOR_RULE = 'must be a next_cursor value returned by a previous page of this listing';

/** Longest cursor text accepted (ours are under 200 characters). */
const MAX_CURSOR_LENGTH = 500;

export function encodeCursor(values: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * The values of a cursor, as `check` makes them (null from `check`: refused), or null when
 * the text is not a cursor this service wrote.
 */
export function decodeCursor<T>(text: unknown, check: (values: unknown[]) => T | null): T | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string' || typeof v === 'number')) return null;
  if (encodeCursor(values as Array<string | number>) !== text) return null;
  return check(values);
}
