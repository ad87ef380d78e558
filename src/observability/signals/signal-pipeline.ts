import { HttpStatus } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../../auth/principal';
import type { Permission } from '../../auth/permissions';
import { TracesSettings } from '../../config/settings';
import { Role } from '../../database/roles';
import { RoomWait } from '../../writer/room-wait';
import { RowWriter, WriterFullError } from '../../writer/row-writer';
import { RetryLater } from '../ingest/trace-ingest.service';
import { otlpFormat, readOtlpBody } from '../otlp/otlp-body';
import { DecodedOtlpRequest, OtlpReply, otlpReply, parseOtlpBody, SignalOutcome } from '../otlp/otlp-decode';
import { OtlpSignalName } from '../otlp/otlp-proto';

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
 * Adding a signal: a class implementing this, and one entry in src/otlp/otlp-pipelines.ts.
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

/** Room, refusal and buffering of one table of one role: what every pipeline's store step shares. */
export class TableIntake {
  private readonly room: RoomWait;

  constructor(
    private readonly writer: RowWriter,
    readonly role: Role,
    readonly table: string,
    flushMs: number,
    /** "log", "metric": in the refusal's message. */
    private readonly what: string,
  ) {
    this.room = new RoomWait(flushMs);
  }

  waitForRoom(): Promise<boolean> {
    return this.room.until(() => this.writer.hasRoom(this.role, this.table, ROOM_FOR_A_REQUEST));
  }

  /** 429 while the database keeps up, 503 while it is unreachable; both with Retry-After. */
  refusal(): RetryLater {
    const seconds = this.writer.retryAfterSeconds(this.role);
    return this.writer.stats().roles[this.role].available
      ? new RetryLater(HttpStatus.TOO_MANY_REQUESTS, `${this.what} write buffers are full; retry after ${seconds} s`, seconds)
      : new RetryLater(
          HttpStatus.SERVICE_UNAVAILABLE,
          `the ${this.role} database is unavailable and the ${this.what} buffers are full; retry after ${seconds} s`,
          seconds,
        );
  }

  /** Buffers the rows, all or none; outside any trace context, so that self-tracing never traces its own writes. */
  store(rows: Record<string, unknown>[]): void {
    if (rows.length === 0) return;
    try {
      context.with(suppressTracing(context.active()), () => this.writer.enqueue(this.role, this.table, rows));
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
