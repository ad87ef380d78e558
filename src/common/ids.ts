import { createHash, randomFillSync } from 'node:crypto';

/**
 * The one id generator: every id fourfold assigns (rows at ingest, entities, tokens) is a
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so ids sort by
 * creation time (index locality for the raw tables' primary keys). Within one millisecond
 * a 12-bit counter in `rand_a` keeps the ids of this process increasing. Random bytes come
 * from a pooled crypto buffer: at ingest speed the uuid package's per-call cost (~2 µs)
 * was as much as encoding the whole row.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_SIZE = 8192;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;
let lastMs = -1;
let counter = 0;

export function uuidv7(now = Date.now()): string {
  if (offset + 8 > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = ++lastMs; // counter exhausted within one millisecond: borrow the next one
      counter = 0;
    }
  } else {
    lastMs = ms;
    counter = pool[offset] & 0x7f; // random start, leaving room to count up
  }
  const high = Math.floor(ms / 0x1000000); // upper 24 bits of 48
  const low = ms % 0x1000000;
  const p = offset;
  offset += 8;
  return (
    HEX[(high >>> 16) & 0xff] +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    HEX[(low >>> 16) & 0xff] +
    '-' +
    HEX[(low >>> 8) & 0xff] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | (counter >>> 8)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | (pool[p] & 0x3f)] +
    HEX[pool[p + 1]] +
    '-' +
    HEX[pool[p + 2]] +
    HEX[pool[p + 3]] +
    HEX[pool[p + 4]] +
    HEX[pool[p + 5]] +
    HEX[pool[p + 6]] +
    HEX[pool[p + 7]]
  );
}

/**
 * A name-based UUID (version 5 layout: SHA-1 of the name, version and variant bits set) for
 * rows whose identity comes from the data rather than from ingest: a span's events, the
 * metric rows derived from a span. The same name gives the same id, so a resent batch or a
 * spool replay maps to the same primary key and is stored once. The name's parts are joined
 * with '/', which none of them contains (hex ids, small integers, fixed words).
 */
export function nameUuid(...parts: ReadonlyArray<string | number | bigint>): string {
  const h = createHash('sha1').update(parts.join('/')).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** JSON with object keys sorted at every level: one text per value, whatever the order its keys came in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
}
