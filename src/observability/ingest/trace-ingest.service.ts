import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { IncomingMessage } from 'node:http';
import { HOUR_MS, DAY_MS } from '../../common/time';
import { InjectSettings, TracesSettings, WriterSettings } from '../../config/settings';
import { OBSERVABILITY_DB } from '../../database/roles';
import { RoomWait } from '../../writer/room-wait';
import { RowWriter, WriterFullError } from '../../writer/row-writer';
import { OtlpFormat, otlpFormat, readOtlpBody } from '../otlp/otlp-body';
import { parseOtlpBody, readOtlp } from '../otlp/otlp-decode';
import { encodeTraceResponse, jsonTraceResponse } from '../otlp/otlp-proto';
import { readTraceRequest, ReadResult, SpanRecord } from '../otlp/otlp-request';
import { SelfTraceSink } from '../self-tracing/self-trace-store.exporter';
import { traceRows } from './span-rows';

export const SPANS_TABLE = 'observability_spans';
export const EVENTS_TABLE = 'observability_events';

/** Rows a request is assumed to bring when deciding, before reading it, whether there is room. */
const ROOM_FOR_A_REQUEST = 1000;

export interface OtlpReply {
  contentType: string;
  body: Buffer | string;
  accepted: number;
  rejected: number;
}

/** An error answer with Retry-After (the exception filter sets the header from `retryAfterSeconds`). */
export class RetryLater extends HttpException {
  constructor(
    status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: status, message }, status);
  }
}

/**
 * The OTLP/HTTP trace receiver: reads and decodes the body, turns it into span and event rows
 * and hands them to the writer (both tables at once, or neither). Ids come from the client,
 * so a resent batch maps to the same primary keys and is stored once.
 */
@Injectable()
export class TraceIngestService implements SelfTraceSink {
  private readonly room: RoomWait;

  constructor(
    private readonly writer: RowWriter,
    @InjectSettings('traces') private readonly settings: TracesSettings,
    @InjectSettings('writer') writerSettings: WriterSettings,
  ) {
    this.room = new RoomWait(writerSettings.flushMs);
  }

  /** Whether a request of ordinary size fits in the buffers now, or within a short wait (src/writer/room-wait.ts). */
  waitForRoom(): Promise<boolean> {
    return this.room.until(
      () =>
        this.writer.hasRoom(OBSERVABILITY_DB, SPANS_TABLE, ROOM_FOR_A_REQUEST) && this.writer.hasRoom(OBSERVABILITY_DB, EVENTS_TABLE, 1),
    );
  }

  /** The refusal when the buffers are full: 429 while the database keeps up, 503 while it is unreachable. */
  refusal(): RetryLater {
    const seconds = this.writer.retryAfterSeconds(OBSERVABILITY_DB);
    return this.writer.stats().roles[OBSERVABILITY_DB].available
      ? new RetryLater(HttpStatus.TOO_MANY_REQUESTS, `trace write buffers are full; retry after ${seconds} s`, seconds)
      : new RetryLater(
          HttpStatus.SERVICE_UNAVAILABLE,
          `the observability database is unavailable and the trace buffers are full; retry after ${seconds} s`,
          seconds,
        );
  }

  async receive(req: IncomingMessage): Promise<OtlpReply> {
    const format = otlpFormat(req.headers['content-type']);
    const body = await readOtlpBody(req, this.settings.maxBodyBytes);
    const result = this.decode(body, format);
    this.store(result.spans);
    const message = result.rejected > 0 ? `${result.rejected} span(s) rejected: ${result.reasons.join('; ')}` : '';
    return format === 'protobuf'
      ? {
          contentType: 'application/x-protobuf',
          body: encodeTraceResponse(result.rejected, message),
          accepted: result.spans.length,
          rejected: result.rejected,
        }
      : {
          contentType: 'application/json',
          body: JSON.stringify(jsonTraceResponse(result.rejected, message)),
          accepted: result.spans.length,
          rejected: result.rejected,
        };
  }

  /** Decodes and validates a body: 400 naming what is wrong, 413 for too many spans (src/observability/otlp/otlp-decode.ts). */
  decode(body: Buffer, format: OtlpFormat, now = Date.now()): ReadResult {
    const { reader, message } = parseOtlpBody('traces', body, format, this.settings.json);
    return readOtlp('traces', () =>
      readTraceRequest(reader, message, {
        oldestMs: now - this.settings.retentionDays * DAY_MS,
        newestMs: now + HOUR_MS,
        maxSpans: this.settings.maxSpansPerRequest,
      }),
    );
  }

  /** fourfold's own spans (self-tracing), serialized as OTLP/JSON: the same checks and rows as a received export. */
  storeOtlpJson(body: Buffer): void {
    this.store(this.decode(body, 'json').spans);
  }

  /**
   * Buffers the spans and their events, all or nothing. Outside any trace context, so that
   * fourfold's own tracing never records the writes of traces (no recursion).
   */
  store(spans: readonly SpanRecord[]): void {
    if (spans.length === 0) return;
    const rows = traceRows(spans);
    try {
      context.with(suppressTracing(context.active()), () =>
        this.writer.enqueueMany(OBSERVABILITY_DB, [
          { table: SPANS_TABLE, rows: rows.spans },
          { table: EVENTS_TABLE, rows: rows.events },
        ]),
      );
    } catch (error) {
      if (error instanceof WriterFullError) throw this.refusal();
      throw error;
    }
  }
}
