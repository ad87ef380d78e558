import { Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { PERMISSIONS } from '../../auth/permissions';
import { HOUR_MS, DAY_MS } from '../../common/time';
import { InjectSettings, TracesSettings, WriterSettings } from '../../config/settings';
import { OBSERVABILITY_DB } from '../../database/roles';
import { RoomWait } from '../../writer/room-wait';
import { RowWriter, WriterFullError } from '../../writer/row-writer';
import { decodeTraceRequest } from '../otlp/otlp-proto';
import { OtlpTooManySpans, readTraceRequest, ReadResult, SpanRecord } from '../otlp/otlp-request';
import { jsonReader, OtlpFormatError, protobufReader } from '../otlp/otlp-values';
import { ExportOutcome, OtlpEncoding, OtlpFailure, SignalPipeline } from '../otlp/signal-pipeline';
import { SelfTraceSink } from '../self-tracing/self-trace-store.exporter';
import { scanJson } from '../../common/json-guard';
import { traceRows } from './span-rows';

export const SPANS_TABLE = 'observability_spans';
export const EVENTS_TABLE = 'observability_events';

/** Rows a request is assumed to bring when deciding, before reading it, whether there is room. */
const ROOM_FOR_A_REQUEST = 1000;

/** A decoded ExportTraceServiceRequest, not yet validated: the message and the reader of its encoding. */
export interface TraceRequest {
  encoding: OtlpEncoding;
  message: unknown;
}

/**
 * The traces pipeline (src/observability/otlp/signal-pipeline.ts): decodes an
 * ExportTraceServiceRequest, turns it into span and event rows and hands them to the writer
 * (both tables at once, or neither). Ids come from the client, so a resent batch maps to the
 * same primary keys and is stored once. Every transport (OTLP/gRPC, OTLP/HTTP) and
 * fourfold's own tracing go through it.
 */
@Injectable()
export class TraceIngestService implements SignalPipeline<TraceRequest>, SelfTraceSink {
  readonly signal = 'traces';
  readonly grpcService = 'opentelemetry.proto.collector.trace.v1.TraceService';
  readonly rejectedField = 'rejectedSpans';
  readonly permission = PERMISSIONS.tracesWrite;
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

  /** The refusal when the buffers are full: busy (429) while the database keeps up, unavailable (503) while it is unreachable. */
  refusal(): OtlpFailure {
    const retryAfterSeconds = this.writer.retryAfterSeconds(OBSERVABILITY_DB);
    return this.writer.stats().roles[OBSERVABILITY_DB].available
      ? new OtlpFailure('busy', `trace write buffers are full; retry after ${retryAfterSeconds} s`, { retryAfterSeconds })
      : new OtlpFailure(
          'unavailable',
          `the observability database is unavailable and the trace buffers are full; retry after ${retryAfterSeconds} s`,
          { retryAfterSeconds },
        );
  }

  /** Protobuf is decoded here; JSON is bounded (src/common/json-guard.ts) and parsed. */
  decode(body: Buffer, encoding: OtlpEncoding): TraceRequest {
    if (encoding === 'protobuf') {
      try {
        return { encoding, message: decodeTraceRequest(body) };
      } catch (error) {
        throw OtlpFailure.invalid(`the body is not an OTLP ExportTraceServiceRequest in protobuf: ${(error as Error).message}`);
      }
    }
    // Bounded before parsing, like every JSON body; an export is many keys of few names.
    const problem = scanJson(body, this.settings.json, { countKeys: false });
    if (problem) throw OtlpFailure.invalid(`invalid OTLP/JSON body: ${problem.field} ${problem.reason}`, problem.field, problem.reason);
    try {
      return { encoding, message: body.length === 0 ? {} : JSON.parse(body.toString('utf8')) };
    } catch (error) {
      throw OtlpFailure.invalid(`the body is not valid JSON: ${(error as Error).message}`);
    }
  }

  ingest(request: TraceRequest): ExportOutcome {
    const result = this.validate(request);
    this.store(result.spans);
    return {
      accepted: result.spans.length,
      rejected: result.rejected,
      errorMessage: result.rejected > 0 ? `${result.rejected} span(s) rejected: ${result.reasons.join('; ')}` : '',
    };
  }

  /** The spans of a request: invalid (400) naming what is wrong, too-large (413) for too many spans. */
  validate(request: TraceRequest, now = Date.now()): ReadResult {
    try {
      return readTraceRequest(request.encoding === 'protobuf' ? protobufReader : jsonReader, request.message, {
        oldestMs: now - this.settings.retentionDays * DAY_MS,
        newestMs: now + HOUR_MS,
        maxSpans: this.settings.maxSpansPerRequest,
      });
    } catch (error) {
      if (error instanceof OtlpFormatError)
        throw OtlpFailure.invalid(`invalid OTLP ExportTraceServiceRequest: ${error.message}`, error.path, error.reason);
      if (error instanceof OtlpTooManySpans) throw new OtlpFailure('too-large', error.message);
      if (error instanceof RangeError) throw OtlpFailure.invalid(`invalid OTLP ExportTraceServiceRequest: ${error.message}`);
      throw error;
    }
  }

  /** fourfold's own spans (self-tracing), serialized as OTLP/JSON: the same checks and rows as a received export. */
  storeOtlpJson(body: Buffer): void {
    this.store(this.validate(this.decode(body, 'json')).spans);
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
