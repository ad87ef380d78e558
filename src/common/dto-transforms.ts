import { TransformFnParams } from 'class-transformer';
import { parseDecimalInt, parseIsoDateTime } from './time';

/**
 * class-transformer `@Transform`s for query and body parameters, through the one parser of
 * each kind (common/time.ts). What does not parse is left as given, for the validators
 * (`@IsInt`, `@IsDate`) to refuse with a message naming the field.
 */

/** `16` → 16; `0x10`, `1e1`, `` stay strings (`Number()` would read them as 16, 10 and 0). */
export const decimalInt = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? (parseDecimalInt(value) ?? value) : value;

/** An ISO 8601 date-time with a time zone → Date; `2026-02-30…` and years outside 0001-9999 stay strings. */
export const isoDateTime = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? (parseIsoDateTime(value) ?? value) : value;

export const DATE_TIME_RULE = 'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z, in years 0001-9999';
