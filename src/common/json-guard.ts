import { badText } from './text';

/** A refused input, named: the `errors[]` item of a 400. */
export interface FieldError {
  field: string;
  reason: string;
}

/**
 * Bounds on request input, checked before anything else looks at it. Pure functions: the
 * HTTP layer (http/configure-http.ts, http/input-guard.ts) and the OTLP receiver apply them to
 * bodies, query strings and path parameters.
 */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays in a body. */
  maxDepth: number;
  /**
   * Keys and array elements within one field of a body (one item, for a body that is an
   * array), and distinct key names in the whole body; the whole body holds at most
   * BODY_KEYS_FACTOR times as many keys.
   */
  maxKeys: number;
}

/** A body may hold this many times `maxKeys` keys in all (e.g. an ingest batch of many small items). */
export const BODY_KEYS_FACTOR = 5;

/** Keys that mean something to JavaScript objects: refused rather than dropped. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** Index of the quote that closes a string starting at `from` (body.length if none): native search, then escapes checked. */
function closingQuote(body: Buffer, from: number): number {
  for (let at = body.indexOf(QUOTE, from); at >= 0; at = body.indexOf(QUOTE, at + 1)) {
    let backslashes = 0;
    while (at - backslashes - 1 >= from && body[at - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return body.length;
}

function sameBytes(body: Buffer, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) if (body[s1 + i] !== body[s2 + i]) return false;
  return true;
}

/**
 * The distinct key names of a body, counted without making a string of every key: keys are
 * hashed over their bytes and compared with the first key of that hash in place; only names
 * whose hash another name took already become strings.
 */
class KeyNames {
  private readonly first = new Map<number, number>(); // hash -> start and end of its first key, packed
  private readonly ranges: number[] = [];
  private readonly collided = new Set<string>();
  private count = 0;

  /** Adds the key in body[start, end); returns how many distinct names there are now. */
  add(body: Buffer, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ body[i], 0x01000193);
    const seen = this.first.get(hash);
    if (seen === undefined) {
      this.first.set(hash, this.ranges.length);
      this.ranges.push(start, end);
      return ++this.count;
    }
    if (sameBytes(body, this.ranges[seen], this.ranges[seen + 1], start, end)) return this.count;
    const name = body.toString('latin1', start, end);
    if (this.collided.has(name)) return this.count;
    this.collided.add(name);
    return ++this.count;
  }
}

/**
 * One linear pass over the raw bytes of a JSON body, before JSON.parse. Refuses nesting
 * deeper than `maxDepth`, a field holding more than `maxKeys` keys and array elements, more
 * than `maxKeys` distinct key names, and more than BODY_KEYS_FACTOR × `maxKeys` keys in all.
 * Those are what make parsing (objects times distinct shapes), DTO transformation (quadratic
 * in the keys of one object) and recursive validation (stack depth) expensive, so a body that
 * passes costs little at every later step. Malformed JSON is left for JSON.parse to report.
 * `countKeys: false` keeps only the depth and distinct-name bounds, for bodies whose size is
 * legitimately many keys of few names (an OTLP export of thousands of spans).
 */
export function scanJson(body: Buffer, limits: JsonLimits, { countKeys = true } = {}): FieldError | null {
  const inArray = new Uint8Array(limits.maxDepth + 2);
  const maxBodyKeys = limits.maxKeys * BODY_KEYS_FACTOR;
  let depth = 0;
  let field = '(body)';
  let item = 0;
  let inField = 0;
  let bodyKeys = 0;
  // The last string, while only whitespace follows it: a key if a colon comes next.
  let stringStart = -1;
  let stringEnd = -1;
  const names = new KeyNames();
  const fieldName = () => (inArray[1] ? `[${item}]` : field);
  const refuse = (reason: string) => ({
    field: fieldName(),
    reason: `${reason} (HTTP_JSON_MAX_${reason.includes('nested') ? 'DEPTH' : 'KEYS'})`,
  });
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      stringStart = i + 1;
      i = closingQuote(body, stringStart);
      stringEnd = i;
    } else if (c === COLON && stringStart >= 0) {
      if (depth === 1) {
        field = body.toString('utf8', stringStart, stringEnd);
        inField = 0;
      } else if (++inField > limits.maxKeys && countKeys) {
        return refuse(`holds more than ${limits.maxKeys} keys and elements`);
      }
      if (++bodyKeys > maxBodyKeys && countKeys) return refuse(`the body holds more than ${maxBodyKeys} keys in all`);
      if (names.add(body, stringStart, stringEnd) > limits.maxKeys) {
        return refuse(`the body uses more than ${limits.maxKeys} distinct key names`);
      }
      stringStart = -1;
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
      stringStart = -1;
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (++depth > limits.maxDepth) return refuse(`is nested deeper than ${limits.maxDepth} levels`);
        inArray[depth] = c === OPEN_ARRAY ? 1 : 0;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
      } else if (c === COMMA && inArray[depth]) {
        if (depth === 1) {
          item++;
          inField = 0;
        } else if (++inField > limits.maxKeys && countKeys) {
          return refuse(`holds more than ${limits.maxKeys} keys and elements`);
        }
      }
    }
  }
  return null;
}

const child = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);

/**
 * Walks a parsed value (iteratively: depth costs no stack) and returns the first string or
 * key that PostgreSQL would refuse (NUL, unpaired surrogate) or a key that means something
 * to JavaScript objects (`__proto__`, `constructor`, `prototype`), named by its path.
 */
export function findBadInput(value: unknown, whole = '(body)'): FieldError | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = badText(v);
      if (reason) return { field: path || whole, reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], child(path, i)]);
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v)) {
        const reason = FORBIDDEN_KEYS.has(key) ? `must not use the key "${key}"` : badText(key) && `has a key that ${badText(key)}`;
        if (reason) return { field: path || whole, reason };
        stack.push([(v as Record<string, unknown>)[key], child(path, key)]);
      }
    }
  }
  return null;
}
