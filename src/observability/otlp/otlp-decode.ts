import { HttpException, HttpStatus } from '@nestjs/common';
import { scanJson } from '../../common/json-guard';
import { OtlpFormat } from './otlp-body';
import { decodeSignalRequest, encodeSignalResponse, jsonSignalResponse, OtlpSignalName, requestNameOf } from './otlp-proto';
import { jsonReader, OtlpFormatError, OtlpReader, OtlpTooManyItems, protobufReader } from './otlp-values';

/**
 * The decode step every OTLP signal and transport shares: bytes to the signal's request
 * message (protobuf, or OTLP/JSON bounded before it is parsed), then a signal's reader over it,
 * with one mapping of what can go wrong: 400 naming the field, 413 for too many items.
 */

/** A request message, with the reader for its encoding. */
export interface DecodedOtlpRequest {
  format: OtlpFormat;
  reader: OtlpReader;
  message: unknown;
}

/** What a signal's pipeline did with one request (partial_success when `rejected` > 0). */
export interface SignalOutcome {
  accepted: number;
  rejected: number;
  /** The first few rejection reasons. */
  reasons: string[];
}

export interface OtlpReply {
  contentType: string;
  body: Buffer | string;
  accepted: number;
  rejected: number;
}

const badRequest = (message: string, field = '(body)', reason = message) =>
  new HttpException({ statusCode: 400, message, errors: [{ field, reason }] }, HttpStatus.BAD_REQUEST);

/** Bytes to the signal's request message: 400 when they are not one. */
export function parseOtlpBody(
  signal: OtlpSignalName,
  body: Buffer,
  format: OtlpFormat,
  json: { maxDepth: number; maxKeys: number },
): DecodedOtlpRequest {
  const name = requestNameOf(signal);
  if (format === 'protobuf') {
    try {
      return { format, reader: protobufReader, message: decodeSignalRequest(signal, body) };
    } catch (error) {
      throw badRequest(`the body is not an OTLP ${name} in protobuf: ${(error as Error).message}`);
    }
  }
  // Bounded before parsing, like every JSON body (src/http/json-guard.ts); an export is many keys of few names.
  const problem = scanJson(body, json, { countKeys: false });
  if (problem) throw badRequest(`invalid OTLP/JSON body: ${problem.field} ${problem.reason}`, problem.field, problem.reason);
  try {
    return { format, reader: jsonReader, message: body.length === 0 ? {} : JSON.parse(body.toString('utf8')) };
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Runs a signal's reader: a malformed message is a 400 naming the field, too many items a 413. */
export function readOtlp<R>(signal: OtlpSignalName, read: () => R): R {
  try {
    return read();
  } catch (error) {
    const name = requestNameOf(signal);
    if (error instanceof OtlpFormatError) throw badRequest(`invalid OTLP ${name}: ${error.message}`, error.path, error.reason);
    if (error instanceof OtlpTooManyItems) throw new HttpException({ statusCode: 413, message: error.message }, 413);
    if (error instanceof RangeError) throw badRequest(`invalid OTLP ${name}: ${error.message}`);
    throw error;
  }
}

/** The export response in the request's encoding; partial_success names up to five reasons. */
export function otlpReply(signal: OtlpSignalName, format: OtlpFormat, outcome: SignalOutcome, noun: string): OtlpReply {
  const message = outcome.rejected > 0 ? `${outcome.rejected} ${noun}(s) rejected: ${outcome.reasons.join('; ')}` : '';
  const { accepted, rejected } = outcome;
  return format === 'protobuf'
    ? { contentType: 'application/x-protobuf', body: encodeSignalResponse(signal, rejected, message), accepted, rejected }
    : { contentType: 'application/json', body: JSON.stringify(jsonSignalResponse(signal, rejected, message)), accepted, rejected };
}
