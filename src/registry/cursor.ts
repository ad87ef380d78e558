import { decodeCursor, encodeCursor } from '../common/cursor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque page cursor of a registry listing: the last id of the page (ids are time-ordered UUIDv7). */
export function encodeListCursor(lastId: string): string {
  return encodeCursor([lastId]);
}

/** The id in a cursor, or null when it is not one of ours. */
export function decodeListCursor(cursor: string): string | null {
  return decodeCursor(cursor, (values) =>
    values.length === 1 && typeof values[0] === 'string' && UUID.test(values[0]) ? values[0] : null,
  );
}
