import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { HOUR_MS, DAY_MS } from '../../common/time';
import { InjectSettings, TracesSettings, WriterSettings } from '../../config/settings';
import { METRICS_DB, OBSERVABILITY_DB } from '../../database/roles';
import { SpanMetricsService } from '../../metrics/from-spans/span-metrics.service';
import { RoomWait } from '../../writer/room-wait';
import { RowWriter, WriterFullError } from '../../writer/row-writer';
import { PERMISSIONS } from '../../auth/permissions';
import { OtlpFormat } from '../otlp/otlp-body';
import { DecodedOtlpRequest, parseOtlpBody, readOtlp, SignalOutcome } from '../otlp/otlp-decode';
import { readTraceRequest, ReadResult, SpanRecord } from '../otlp/otlp-request';
import { SelfTraceSink } from '../self-tracing/self-trace-store.exporter';
import type { SignalPipeline } from '../signals/signal-pipeline';
import { traceRows } from './span-rows';

export const SPANS_TABLE = 'observability_spans';
export const EVENTS_TABLE = 'observability_events';

/** Rows a request is assumed to bring when deciding, before reading it, whether there is room. */
const ROOM_FOR_A_REQUEST = 1000;

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
 * The traces pipeline (src/observability/signals/signal-pipeline.ts): turns an
 * ExportTraceServiceRequest into span and event rows and hands them to the writer (both tables
 * at once, or neither). Ids come from the client, so a resent batch maps to the same primary
 * keys and is stored once. Every OTLP transport and fourfold's own tracing go through it.
 */
@Injectable()
export class TraceIngestService implements SignalPipeline, SelfTraceSink {
  readonly signal = 'traces' as const;
  readonly noun = 'span';
  readonly permission = PERMISSIONS.tracesWrite;
  private readonly room: RoomWait;

  constructor(
    private readonly writer: RowWriter,
    private readonly spanMetrics: SpanMetricsService,
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

  /**
   * The refusal when the buffers are full: 429 while the database keeps up, 503 while it is
   * unreachable. `role` metrics: the buffers of the execution rows derived from the spans.
   */
  refusal(role: typeof OBSERVABILITY_DB | typeof METRICS_DB = OBSERVABILITY_DB): RetryLater {
    const seconds = this.writer.retryAfterSeconds(role);
    const what = role === OBSERVABILITY_DB ? 'trace' : 'derived metrics';
    return this.writer.stats().roles[role].available
      ? new RetryLater(HttpStatus.TOO_MANY_REQUESTS, `${what} write buffers are full; retry after ${seconds} s`, seconds)
      : new RetryLater(
          HttpStatus.SERVICE_UNAVAILABLE,
          `the ${role} database is unavailable and the ${what} buffers are full; retry after ${seconds} s`,
          seconds,
        );
  }

  /** Validates a decoded request and buffers its spans (see store). */
  async ingest(request: DecodedOtlpRequest): Promise<SignalOutcome> {
    const result = this.validate(request);
    await this.store(result.spans);
    return { accepted: result.spans.length, rejected: result.rejected, reasons: result.reasons };
  }

  /** Decodes and validates a body: 400 naming what is wrong, 413 for too many spans (src/observability/otlp/otlp-decode.ts). */
  decode(body: Buffer, format: OtlpFormat, now = Date.now()): ReadResult {
    return this.validate(parseOtlpBody('traces', body, format, this.settings.json), now);
  }

  /** The spans of a decoded request: 400 naming what is wrong, 413 for too many spans. */
  validate({ reader, message }: DecodedOtlpRequest, now = Date.now()): ReadResult {
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
    void this.store(this.decode(body, 'json').spans);
  }

  /**
   * Buffers the spans and their events, all or nothing (throws the refusal at once), and
   * the execution rows derived from them (METRICS_FROM_SPANS), whose buffers must have room
   * too before anything is taken. The spans are buffered when this returns; the promise,
   * which never rejects, settles once the derived rows are (their names may need core).
   * Outside any trace context, so that fourfold's own tracing never records the writes of
   * traces (no recursion).
   */
  store(spans: readonly SpanRecord[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    const rows = traceRows(spans);
    const executions = this.spanMetrics.derive(spans);
    if (!this.spanMetrics.hasRoom(executions)) throw this.refusal(METRICS_DB);
    try {
      return context.with(suppressTracing(context.active()), () => {
        this.writer.enqueueMany(OBSERVABILITY_DB, [
          { table: SPANS_TABLE, rows: rows.spans },
          { table: EVENTS_TABLE, rows: rows.events },
        ]);
        return this.spanMetrics.store(executions);
      });
    } catch (error) {
      if (error instanceof WriterFullError) throw this.refusal();
      throw error;
    }
  }
}
