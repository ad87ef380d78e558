/**
 * Encoding of rows into PostgreSQL's COPY text format (one line per row, columns
 * separated by tabs, `\N` for NULL). Pure functions: the writer and its tests share them.
 */

/** How a column's value is written. Derived from the column's database type. */
export type ColumnKind = 'text' | 'json' | 'timestamp' | 'boolean' | 'number' | 'bytea';

export interface CopyColumn {
  /** Database column name (snake_case). */
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  /** True when the database fills the column when it is left out (DEFAULT, generated). */
  hasDefault: boolean;
}

/** Maps a TypeORM/PostgreSQL column type name to how its values are encoded. */
export function columnKind(type: string): ColumnKind {
  const t = type.toLowerCase();
  if (t === 'json' || t === 'jsonb' || t === 'simple-json') return 'json';
  if (t.startsWith('timestamp') || t === 'date' || t === 'time' || t.startsWith('time ')) return 'timestamp';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t === 'bytea') return 'bytea';
  if (/^(smallint|integer|int|int2|int4|int8|bigint|double precision|float|float4|float8|real|numeric|decimal)$/.test(t)) return 'number';
  return 'text';
}

// PostgreSQL text cannot hold NUL; the COPY text format gives backslash, newline, carriage
// return and tab a meaning of their own, so those are escaped.
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\\\n\r\t\u0000]/;
// eslint-disable-next-line no-control-regex
const SPECIAL_ALL = /[\\\n\r\t\u0000]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u0000': '' };

export function escapeCopyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/** jsonb rejects the \u0000 escape: NUL characters are dropped from strings first. */
function stripNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.split('\u0000').join('') : value;
}

export class CopyEncodingError extends TypeError {}

/**
 * A jsonb value already serialized, for a value many rows share (an OTLP resource's attributes
 * on every point of it): encoded once instead of once per row. The caller vouches that the text
 * is JSON holding no NUL escape (the OTLP readers refuse NUL in every string).
 */
export class JsonText {
  private escaped: string | undefined;

  constructor(readonly json: string) {}

  /** The COPY form, escaped once for every row that shares the value. */
  get copyText(): string {
    return (this.escaped ??= escapeCopyText(this.json));
  }

  /** The value's JSON, or the value itself when its JSON holds a NUL escape (which the encoder then drops). */
  static of(value: unknown): JsonText | unknown {
    const json = JSON.stringify(value) as string | undefined;
    return json === undefined || json.includes('\\u0000') ? value : new JsonText(json);
  }
}

// Date#toISOString costs ~2 µs, as much as the rest of a row: rows of one ingest batch
// mostly share their second, so the "YYYY-MM-DDTHH:MM:SS" part is cached per second.
let cachedSecond = NaN;
let cachedPrefix = '';

/** Same output as `new Date(ms).toISOString()` for years 0000-9999. */
export function isoString(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const full = new Date(ms).toISOString();
    if (full.length !== 24) return full; // beyond year 9999: no caching
    cachedSecond = second;
    cachedPrefix = full.slice(0, 20);
  }
  const milli = ms - second * 1000;
  return cachedPrefix + (milli < 10 ? '00' : milli < 100 ? '0' : '') + milli + 'Z';
}

/** One value in COPY text form (without the column separator). */
export function encodeCopyValue(value: unknown, column: CopyColumn): string {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new CopyEncodingError(`column ${column.name} is NOT NULL`);
    return '\\N';
  }
  switch (column.kind) {
    case 'json': {
      if (value instanceof JsonText) return value.copyText;
      // Without a replacer first (JSON.stringify's fast path, ~1.7x faster); the replacer only when a NUL escape shows.
      const text = JSON.stringify(value);
      return escapeCopyText(text.includes('\\u0000') ? JSON.stringify(value, stripNul) : text);
    }
    case 'timestamp':
      if (value instanceof Date) {
        const ms = value.getTime();
        if (Number.isNaN(ms)) throw new CopyEncodingError(`column ${column.name}: invalid Date`);
        return isoString(ms);
      }
      if (typeof value === 'string') return escapeCopyText(value);
      throw new CopyEncodingError(`column ${column.name} expects a Date, got ${typeof value}`);
    case 'boolean':
      if (typeof value === 'boolean') return value ? 't' : 'f';
      throw new CopyEncodingError(`column ${column.name} expects a boolean, got ${typeof value}`);
    case 'number':
      if (typeof value === 'number') {
        // double precision accepts NaN and ±Infinity spelled this way.
        if (Number.isNaN(value)) return 'NaN';
        if (value === Infinity) return 'Infinity';
        if (value === -Infinity) return '-Infinity';
        return String(value);
      }
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return value;
      throw new CopyEncodingError(`column ${column.name} expects a number, got ${typeof value}`);
    case 'bytea':
      if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
      throw new CopyEncodingError(`column ${column.name} expects a Buffer`);
    default:
      if (typeof value === 'string') return escapeCopyText(value);
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
      if (value instanceof Date) return value.toISOString();
      throw new CopyEncodingError(`column ${column.name} expects text, got ${typeof value}`);
  }
}

/** Rows ready for COPY: encoded lines sharing one column list. */
export interface Batch {
  columns: CopyColumn[];
  lines: string[];
}

/** One row as a COPY text line (terminated by a newline), columns in the given order. */
export function encodeCopyRow(row: Record<string, unknown>, columns: readonly CopyColumn[]): string {
  // One join makes one flat string; `line +=` per value made a rope of two nodes per column
  // that the COPY chunk's join then had to flatten (measured: about half the cost of a span row).
  if (columns.length === 0) return '\n';
  const values = new Array<string>(columns.length);
  for (let i = 0; i < columns.length; i++) values[i] = encodeCopyValue(row[columns[i].name], columns[i]);
  values[columns.length - 1] += '\n';
  return values.join('\t');
}

/**
 * The columns a batch of rows is written with: every column any row names, in table
 * order. Unknown keys and missing NOT NULL columns without a default are programming
 * errors and throw before anything is buffered. A column with a database default that no
 * row names is left out, so the database fills it in.
 */
export function batchColumns(rows: readonly Record<string, unknown>[], tableColumns: readonly CopyColumn[], table: string): CopyColumn[] {
  const named = new Set<string>();
  for (const row of rows) {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new CopyEncodingError(`${table}: every row must be an object`);
    for (const key of Object.keys(row)) named.add(key);
  }
  const known = new Set(tableColumns.map((c) => c.name));
  for (const key of named) {
    if (!known.has(key)) throw new CopyEncodingError(`${table} has no column ${key}`);
  }
  const columns = tableColumns.filter((c) => named.has(c.name) || !c.hasDefault);
  for (const c of columns) {
    if (!named.has(c.name) && !c.nullable) throw new CopyEncodingError(`${table}: column ${c.name} is required`);
  }
  return columns;
}

/** `"a", "b", "c"`: quoted column list for COPY and INSERT. */
export function quoteColumns(columns: readonly string[]): string {
  return columns.map(quoteIdent).join(', ');
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
