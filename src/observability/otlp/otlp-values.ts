import { badText } from '../../common/text';
import { Int64 } from './otlp-proto';

/**
 * Reading the scalar fields of an OTLP message, in its two encodings. Protobuf fields come
 * typed from the decoder (ids as bytes, 64-bit integers as Long); OTLP/JSON fields are
 * whatever the client sent (ids as hex, 64-bit integers as decimal strings or numbers), so
 * the JSON reader checks every type. A value of the wrong type or an id of the wrong length
 * throws OtlpFormatError, naming the field: the whole request is refused (400). So does a string
 * PostgreSQL would refuse (a NUL character, an unpaired surrogate), in either encoding.
 */
export class OtlpFormatError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'OtlpFormatError';
  }
}

/** Deeper AnyValue nesting than this is refused (400). */
export const MAX_VALUE_DEPTH = 16;

export interface OtlpReader {
  /** A trace id (16 bytes) or span id (8 bytes) as lowercase hex; null when absent or empty. */
  id(value: unknown, bytes: 16 | 8, path: string): string | null;
  /** Unix nanoseconds; 0n when absent. */
  nanos(value: unknown, path: string): bigint;
  /** An attribute's integer value: a number when it is exactly one, else its decimal string. */
  int(value: unknown, path: string): number | string;
  /** An enum (span kind, status code) as its number; 0 when absent. */
  enumValue(value: unknown, names: readonly string[], path: string): number;
  string(value: unknown, path: string): string | null;
  bytes(value: unknown, path: string): string;
  /** A repeated field: [] when absent. */
  list(value: unknown, path: string): unknown[];
  /** A message field: null when absent. */
  message(value: unknown, path: string): Record<string, unknown> | null;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const TWO_64 = 1n << 64n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function longToBigInt(value: Int64, signed: boolean): bigint {
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  const unsignedValue = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return signed && unsignedValue >= 1n << 63n ? unsignedValue - TWO_64 : unsignedValue;
}

const toIntValue = (n: bigint): number | string => (n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : n.toString());

export const protobufReader: OtlpReader = {
  id(value, bytes, path) {
    if (value === null || value === undefined) return null;
    const b = value as Uint8Array;
    if (b.length === 0) return null;
    if (b.length !== bytes) throw new OtlpFormatError(path, `must be ${bytes} bytes, got ${b.length}`);
    let hex = '';
    for (let i = 0; i < b.length; i++) hex += HEX[b[i]];
    return hex;
  },
  nanos(value) {
    if (value === null || value === undefined) return 0n;
    return longToBigInt(value as Int64, false);
  },
  int(value) {
    return toIntValue(longToBigInt(value as Int64, true));
  },
  enumValue(value) {
    return typeof value === 'number' ? value : 0;
  },
  string(value, path) {
    return typeof value === 'string' ? storable(value, path) : null;
  },
  bytes(value) {
    return Buffer.from(value as Uint8Array).toString('base64');
  },
  list(value) {
    return Array.isArray(value) ? value : [];
  },
  message(value) {
    return value === null || value === undefined ? null : (value as Record<string, unknown>);
  },
};

const HEX_ID = /^[0-9a-fA-F]*$/;
const DECIMAL = /^-?\d{1,20}$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** OTLP/JSON (lowerCamelCase keys, hex ids, 64-bit integers as strings or numbers, enums as integers). */
export const jsonReader: OtlpReader = {
  id(value, bytes, path) {
    if (value === null || value === undefined || value === '') return null;
    if (typeof value !== 'string') throw new OtlpFormatError(path, `must be a hex string, got ${describe(value)}`);
    if (!HEX_ID.test(value)) throw new OtlpFormatError(path, 'must be hexadecimal (OTLP/JSON encodes ids as hex, not base64)');
    if (value.length !== bytes * 2)
      throw new OtlpFormatError(path, `must be ${bytes * 2} hex characters (${bytes} bytes), got ${value.length}`);
    return value.toLowerCase();
  },
  nanos(value, path) {
    if (value === null || value === undefined) return 0n;
    // Bounded as protobuf's fixed64 is (1e300 is an integer too): what a timestamptz holds (up to year 2554).
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 64) return BigInt(value);
    if (typeof value === 'string' && DECIMAL.test(value) && !value.startsWith('-')) {
      const n = BigInt(value);
      if (n < TWO_64) return n;
    }
    throw new OtlpFormatError(path, 'must be Unix nanoseconds, a non-negative integer (as a decimal string or a number)');
  },
  int(value, path) {
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 63) return value;
    if (typeof value === 'string' && DECIMAL.test(value)) {
      const n = BigInt(value);
      if (n < 1n << 63n && n >= -(1n << 63n)) return toIntValue(n);
    }
    throw new OtlpFormatError(path, 'must be a 64-bit integer (a decimal string or a number)');
  },
  enumValue(value, names, path) {
    if (value === null || value === undefined) return 0;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && names.includes(value)) return names.indexOf(value);
    throw new OtlpFormatError(path, `must be an integer enum value (0 to ${names.length - 1})`);
  },
  string(value, path) {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') throw new OtlpFormatError(path, `must be a string, got ${describe(value)}`);
    return storable(value, path);
  },
  bytes(value, path) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new OtlpFormatError(path, 'must be base64');
    return value;
  },
  list(value, path) {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw new OtlpFormatError(path, `must be an array, got ${describe(value)}`);
    return value;
  },
  message(value, path) {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'object' || Array.isArray(value)) throw new OtlpFormatError(path, `must be an object, got ${describe(value)}`);
    return value as Record<string, unknown>;
  },
};

/** The string, unless PostgreSQL would refuse it. */
function storable(value: string, path: string): string {
  const reason = badText(value);
  if (reason) throw new OtlpFormatError(path, reason);
  return value;
}

/** An OTLP AnyValue as plain JSON (NaN and infinities, which jsonb cannot hold, as strings). */
export function anyValue(reader: OtlpReader, raw: unknown, path: string, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpFormatError(path, `nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const v = reader.message(raw, path);
  if (!v) return null;
  if (v.stringValue !== null && v.stringValue !== undefined) return reader.string(v.stringValue, `${path}.stringValue`);
  if (v.boolValue !== null && v.boolValue !== undefined) {
    if (typeof v.boolValue !== 'boolean') throw new OtlpFormatError(`${path}.boolValue`, `must be a boolean, got ${describe(v.boolValue)}`);
    return v.boolValue;
  }
  if (v.intValue !== null && v.intValue !== undefined) return reader.int(v.intValue, `${path}.intValue`);
  if (v.doubleValue !== null && v.doubleValue !== undefined) {
    const d = v.doubleValue;
    if (typeof d === 'number') return Number.isFinite(d) ? d : String(d);
    if (d === 'NaN' || d === 'Infinity' || d === '-Infinity') return d;
    throw new OtlpFormatError(`${path}.doubleValue`, `must be a number, got ${describe(d)}`);
  }
  if (v.arrayValue !== null && v.arrayValue !== undefined) {
    const array = reader.message(v.arrayValue, `${path}.arrayValue`);
    return reader
      .list(array?.values, `${path}.arrayValue.values`)
      .map((item, i) => anyValue(reader, item, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if (v.kvlistValue !== null && v.kvlistValue !== undefined) {
    const list = reader.message(v.kvlistValue, `${path}.kvlistValue`);
    return keyValues(reader, list?.values, `${path}.kvlistValue.values`, depth + 1);
  }
  if (v.bytesValue !== null && v.bytesValue !== undefined) return reader.bytes(v.bytesValue, `${path}.bytesValue`);
  return null;
}

/** A KeyValue list as an object (a repeated key keeps its last value). */
export function keyValues(reader: OtlpReader, raw: unknown, path: string, depth = 0): Record<string, unknown> {
  // No prototype: a key named __proto__ is just a key.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const list = reader.list(raw, path);
  for (let i = 0; i < list.length; i++) {
    const kv = reader.message(list[i], `${path}[${i}]`);
    if (!kv) continue;
    const key = reader.string(kv.key, `${path}[${i}].key`);
    // The same rule in both encodings: protobuf's absent key decodes as '', JSON's may be sent as "".
    if (key === null || key === '') throw new OtlpFormatError(`${path}[${i}].key`, 'is required (a non-empty string)');
    out[key] = anyValue(reader, kv.value, `${path}[${i}].value`, depth);
  }
  return out;
}

/** More items (spans, data points, log records) in one request than the signal's cap allows: 413, named by its variable. */
export class OtlpTooManyItems extends Error {
  constructor(
    readonly max: number,
    what: 'spans' | 'data points' | 'log records',
    variable: 'TRACES_MAX_SPANS_PER_REQUEST' | 'OTLP_MAX_DATA_POINTS_PER_REQUEST' | 'OTLP_MAX_LOG_RECORDS_PER_REQUEST',
  ) {
    super(`the request carries more than ${max} ${what} (${variable})`);
    this.name = 'OtlpTooManyItems';
  }
}

/** A double field: a number in protobuf, a number or "NaN" / "Infinity" / "-Infinity" in OTLP/JSON; null when absent. */
export function otlpDouble(value: unknown, path: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw new OtlpFormatError(path, `must be a number, got ${describe(value)}`);
}

/** A uint64 count (fixed64 / uint64): a safe number; larger counts are refused. */
export function otlpCount(reader: OtlpReader, value: unknown, path: string): number {
  let n: bigint;
  try {
    n = reader.nanos(value, path);
  } catch {
    throw new OtlpFormatError(path, 'must be a non-negative integer (as a decimal string or a number)');
  }
  if (n > MAX_SAFE) throw new OtlpFormatError(path, 'is larger than 2^53');
  return Number(n);
}

/** An int32 / sint32 / uint32 field (scale, offset, flags): a number, or its decimal string in OTLP/JSON; 0 when absent. */
export function otlpInt32(value: unknown, path: string): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 32)
    throw new OtlpFormatError(path, 'must be a 32-bit integer');
  return n;
}
