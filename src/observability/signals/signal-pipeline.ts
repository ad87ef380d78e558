import { HttpStatus } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { IncomingMessage } from 'node:http';
import { PERMISSIONS, Permission } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { TracesSettings } from '../../config/settings';
import { Role } from '../../database/roles';
import { RoomWait } from '../../writer/room-wait';
import { RowWriter, WriterFullError } from '../../writer/row-writer';
import { RetryLater } from '../ingest/trace-ingest.service';
import { otlpFormat, readOtlpBody } from '../otlp/otlp-body';
import { DecodedOtlpRequest, OtlpReply, otlpReply, parseOtlpBody, readOtlp, SignalOutcome } from '../otlp/otlp-decode';
import { OtlpSignalName } from '../otlp/otlp-proto';
import { OtlpReader } from '../otlp/otlp-values';

/** Rows a request is assumed to bring when deciding, before reading it, whether there is room. */
const ROOM_FOR_A_REQUEST = 1000;

/**
 * One signal's decode-validate-store path (STYLE 18), shared by every transport: the receivers
 * (src/otlp/: OTLP/gRPC, OTLP/HTTP on its port and on the API port) authenticate against
 * `permission`, ask `waitForRoom` (else answer `refusal()` without reading the body), decode
 * with parseOtlpBody (otlp-decode.ts, the one decode step) and hand the request to `ingest`,
 * which validates it, maps it to rows and buffers them with the shared writer. `ingest` throws
 * RetryLater (429 or 503) when the buffers are full, an HttpException 400/413 for a bad message;
 * each transport maps those (src/otlp/otlp-answers.ts: 400 INVALID_ARGUMENT, 413
 * RESOURCE_EXHAUSTED, 429 RESOURCE_EXHAUSTED and 503 UNAVAILABLE with RetryInfo).
 *
 * Adding a signal: a class implementing this (a TablePipeline for a signal stored in one table),
 * and one entry in src/otlp/otlp-pipelines.ts.
 */
export interface SignalPipeline {
  readonly signal: OtlpSignalName;
  /** What partial_success counts, singular ("log record"). */
  readonly noun: string;
  /** What a token needs to send this signal. */
  readonly permission: Permission;
  /** Whether a request of ordinary size fits in the buffers now, or within a short wait. */
  waitForRoom(): Promise<boolean>;
  /** The refusal when the buffers are full. */
  refusal(): RetryLater;
  /** Resolves once everything the request makes (derived rows too) is buffered. */
  ingest(request: DecodedOtlpRequest, principal?: Principal): SignalOutcome | Promise<SignalOutcome>;
}

/** What a signal's reader made of one request: the items to store, and the rejected ones. */
export interface ReadItems<Item> {
  items: Item[];
  rejected: number;
  reasons: string[];
}

/** The time window and size limit a request's items are read with. */
export interface ReadLimits {
  /** Items older than this (Unix ms) are rejected: retention already dropped their partition. */
  oldestMs: number;
  /** Items newer than this (Unix ms) are rejected: a clock that far ahead is wrong. */
  newestMs: number;
  /** More items than this in one request: 413. */
  maxItems: number;
}

/** One signal stored as rows of one table: what TablePipeline needs to know of it. */
export interface TableSignal<Item> {
  signal: OtlpSignalName;
  /** Singular, for partial_success ("data point"). */
  noun: string;
  /** In the refusal's message ("metric"). */
  what: string;
  role: Role;
  table: string;
  /** Days the table keeps: older items are rejected. */
  retentionDays: number;
  /** Items a request may carry (TRACES_MAX_SPANS_PER_REQUEST). */
  maxItems: number;
  /** The signal's reader: a decoded request to items; throws OtlpFormatError / OtlpTooManyItems. */
  read(reader: OtlpReader, message: unknown, limits: ReadLimits): ReadItems<Item>;
  /** The items' rows, ids assigned from their content (so that a resent batch is stored once). */
  rows(items: Item[]): Record<string, unknown>[];
}

/**
 * The pipeline of a signal stored in one table (metrics, logs), built from the signal's data:
 * room, refusal, read, rows, and buffering with the shared writer (all rows or none; outside
 * any trace context, so that self-tracing never traces its own writes).
 */
export class TablePipeline<Item> implements SignalPipeline {
  readonly signal: OtlpSignalName;
  readonly noun: string;
  readonly permission = PERMISSIONS.tracesWrite;
  private readonly room: RoomWait;

  constructor(
    private readonly writer: RowWriter,
    flushMs: number,
    private readonly spec: TableSignal<Item>,
  ) {
    this.signal = spec.signal;
    this.noun = spec.noun;
    this.room = new RoomWait(flushMs);
  }

  waitForRoom(): Promise<boolean> {
    return this.room.until(() => this.writer.hasRoom(this.spec.role, this.spec.table, ROOM_FOR_A_REQUEST));
  }

  /** 429 while the database keeps up, 503 while it is unreachable; both with Retry-After. */
  refusal(): RetryLater {
    const { role, what } = this.spec;
    const seconds = this.writer.retryAfterSeconds(role);
    return this.writer.stats().roles[role].available
      ? new RetryLater(HttpStatus.TOO_MANY_REQUESTS, `${what} write buffers are full; retry after ${seconds} s`, seconds)
      : new RetryLater(
          HttpStatus.SERVICE_UNAVAILABLE,
          `the ${role} database is unavailable and the ${what} buffers are full; retry after ${seconds} s`,
          seconds,
        );
  }

  ingest(request: DecodedOtlpRequest, _principal?: Principal, now = Date.now()): SignalOutcome {
    const { spec } = this;
    const limits = { oldestMs: now - spec.retentionDays * DAY_MS, newestMs: now + HOUR_MS, maxItems: spec.maxItems };
    const result = readOtlp(spec.signal, () => spec.read(request.reader, request.message, limits));
    // Rows are built before anything is buffered: an item that cannot be encoded leaves nothing half-written.
    this.store(distinct(spec.rows(result.items)));
    return { accepted: result.items.length, rejected: result.rejected, reasons: result.reasons };
  }

  private store(rows: Record<string, unknown>[]): void {
    if (rows.length === 0) return;
    try {
      context.with(suppressTracing(context.active()), () => this.writer.enqueue(this.spec.role, this.spec.table, rows));
    } catch (error) {
      if (error instanceof WriterFullError) throw this.refusal();
      throw error;
    }
  }
}

/** Rows of one request, each id once (a record sent twice in one export). */
export function distinct(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<unknown>();
  return rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
}

/** OTLP/HTTP for one pipeline: content type, room, body (gzip, limits), decode, ingest, the reply in the request's encoding. */
export async function receiveOverHttp(
  req: IncomingMessage & { principal?: Principal },
  pipeline: SignalPipeline,
  settings: Pick<TracesSettings, 'maxBodyBytes' | 'json'>,
): Promise<OtlpReply> {
  const format = otlpFormat(req.headers['content-type']);
  if (!(await pipeline.waitForRoom())) throw pipeline.refusal();
  const body = await readOtlpBody(req, settings.maxBodyBytes);
  const outcome = await pipeline.ingest(parseOtlpBody(pipeline.signal, body, format, settings.json), req.principal);
  return otlpReply(pipeline.signal, format, outcome, pipeline.noun);
}
