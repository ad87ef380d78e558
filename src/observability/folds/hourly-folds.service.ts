import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { InjectSettings, TracesSettings } from '../../config/settings';
import { OBSERVABILITY_DB } from '../../database/roles';
import { MetricPointIn } from '../otlp/otlp-metrics-request';
import { metricRow } from '../signals/metric-rows';
import { addEdges, ceilHour, comparePairs, Edge, floorHour, hoursToFold, Range, RECHECK_HOURS, rawRanges } from './fold-plan';

/** Scope of the points the folds write into observability_metrics: what tells them from points a client sent. */
export const FOLDS_SCOPE = 'fourfold.hourly_folds';
/** Calls from one service to another in an hour: the OpenTelemetry Collector's servicegraph connector's name and labels (client, server). */
export const CALLS_METRIC = 'traces_service_graph_request_total';
/** Spans per service, operation, kind and status in an hour: the spanmetrics connector's name and labels, as Jaeger's Monitor tab reads them. */
export const SPAN_CALLS_METRIC = 'traces_span_metrics_calls_total';
/** Spans that started in a folded hour, as its fold saw them: which hours are folded, and whether one changed since. */
export const FOLDED_SPANS_METRIC = 'fourfold_folded_spans_total';
export const FOLDS_JOB = 'trace-hourly-folds';
/** Advisory lock of a fold ("fourdeps" in ASCII): one replica folds an hour at a time. */
const FOLD_LOCK_KEY = '7381247448454623347';
/** Edges and operations answered at most (Jaeger's clients draw and list them all). */
const MAX_ITEMS = 10_000;

/**
 * Per (parent, child) service pair, how many spans of the child's service have a parent span in
 * the parent's service, over children that started in [$1, $2) and parents that started within
 * an hour of that range. The pairs are counted in a materialized CTE: the planner guesses a
 * handful of joined rows, and would otherwise sort every one of them (on disk, over a day) for a
 * grouped aggregate instead of hashing.
 */
const EDGES_SQL = `WITH edges AS MATERIALIZED (
    SELECT p.service AS parent, c.service AS child, count(*)::int AS call_count
      FROM observability_spans c
      JOIN observability_spans p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
     WHERE c.start_time >= $1 AND c.start_time < $2 AND c.parent_span_id IS NOT NULL
       AND p.start_time >= $1::timestamptz - interval '1 hour' AND p.start_time < $2::timestamptz + interval '1 hour'
       AND p.service <> c.service
     GROUP BY 1, 2)
  SELECT parent, child, call_count FROM edges`;

/**
 * Spans that started in [$1, $2) per service, operation (the templated name), kind and status,
 * the MAX_ITEMS most frequent with a service first, and beside each the hour's count of all its
 * spans (the window is computed before the limit): one scan of the hour for both.
 */
const SPAN_CALLS_SQL = `SELECT service, coalesce(operation, name) AS operation, kind, status, count(*)::int AS calls,
         sum(count(*)) OVER ()::bigint AS spans
    FROM observability_spans WHERE start_time >= $1 AND start_time < $2
   GROUP BY 1, 2, 3, 4 ORDER BY service IS NULL, 5 DESC LIMIT ${MAX_ITEMS}`;

/** Spans per hour that started in [$1, $2): what a run compares with the counts its folds saw. */
export const HOUR_COUNTS_SQL = `SELECT extract(epoch FROM date_trunc('hour', start_time, 'UTC')) * 1000 AS hour, count(*)::bigint AS n
  FROM observability_spans WHERE start_time >= $1 AND start_time < $2 GROUP BY 1`;

/** Operations (name, kind) of service $3 among spans that started in [$1, $2), of kind $4 when given. */
const OPERATIONS_SQL = `SELECT DISTINCT coalesce(operation, name) AS name, kind FROM observability_spans
  WHERE service = $3 AND start_time >= $1 AND start_time < $2 AND ($4::text IS NULL OR kind = $4) LIMIT ${MAX_ITEMS}`;

const folded = (metric: string) => `name = '${metric}' AND scope_name = '${FOLDS_SCOPE}' AND "timestamp" > $1 AND "timestamp" <= $2`;

/** Folded hours ending in ($1, $2], with the span count each fold saw: a point's time is the end of its hour, its start time the hour. */
const FOLDED_HOURS_SQL = `SELECT extract(epoch FROM start_timestamp) * 1000 AS hour, value FROM observability_metrics WHERE ${folded(FOLDED_SPANS_METRIC)}`;

const FOLDED_EDGES_SQL = `SELECT attributes->>'client' AS parent, attributes->>'server' AS child, sum(value)::bigint AS call_count
  FROM observability_metrics WHERE ${folded(CALLS_METRIC)} GROUP BY 1, 2`;

const FOLDED_OPERATIONS_SQL = `SELECT DISTINCT attributes->>'span.name' AS name, lower(substr(attributes->>'span.kind', 11)) AS kind
  FROM observability_metrics WHERE ${folded(SPAN_CALLS_METRIC)}
   AND attributes->>'service.name' = $3 AND ($4::text IS NULL OR attributes->>'span.kind' = 'SPAN_KIND_' || upper($4))`;

export interface FoldOutcome {
  /** False when another replica held the lock: that work is left to it. */
  ran: boolean;
  /** Starts of the hours folded, newest first. */
  hours: string[];
  duration_ms: number;
}

/** A point of a fold, in the shape of a received OTLP delta sum point (one writer of rows, one reader of series). */
function point(
  name: string,
  hour: number,
  value: number,
  attributes: Record<string, unknown>,
  unit: string,
  description: string,
): MetricPointIn {
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;
  return {
    name,
    description,
    unit,
    type: 'sum',
    temporality: 'delta',
    monotonic: true,
    timeNanos: ns(hour + HOUR_MS),
    startNanos: ns(hour),
    attributes,
    flags: 0,
    value,
    count: null,
    sum: null,
    min: null,
    max: null,
    distribution: null,
    exemplars: [],
    resourceAttributes: { 'service.name': 'fourfold' },
    service: 'fourfold',
    scopeName: FOLDS_SCOPE,
    scopeVersion: null,
  };
}

const STATUS_CODES: Record<string, string> = { unset: 'STATUS_CODE_UNSET', ok: 'STATUS_CODE_OK', error: 'STATUS_CODE_ERROR' };

/**
 * What the Jaeger API asks of a day of spans of every service, kept incrementally: each closed
 * hour is counted once (a fold) into delta sum points in observability_metrics: its
 * cross-service parent-child pairs (the service graph of /dependencies), its spans per service,
 * operation, kind and status (the operations of a service), and the number of spans it saw. A
 * read adds up the folded hours of its window and scans raw spans only for the rest (the partial
 * hours at its edges, the current hour, an hour not folded yet), so a day costs about two hours
 * of spans whatever the traffic. Every run (TRACES_FOLD_INTERVAL_SECONDS) looks at the last
 * RECHECK_HOURS closed hours again and folds anew each one whose span count changed, with its
 * neighbours: spans that arrive late, or children before their parents, are counted; spans stored
 * more than RECHECK_HOURS after their hour are not (docs/storage.md). The folds only make reads
 * faster: with them off, every read scans raw spans and answers the same.
 */
@Injectable()
export class HourlyFoldsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HourlyFolds');
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource(OBSERVABILITY_DB) private readonly db: DataSource,
    private readonly scheduler: SchedulerRegistry,
    @InjectSettings('traces') private readonly traces: TracesSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.traces.foldIntervalMs === 0) return;
    const timer = setInterval(() => void this.scheduledFold(), this.traces.foldIntervalMs);
    timer.unref();
    this.scheduler.addInterval(FOLDS_JOB, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', FOLDS_JOB)) this.scheduler.deleteInterval(FOLDS_JOB);
    await this.running?.catch(() => undefined);
  }

  /** The scheduled job. Never throws. */
  async scheduledFold(): Promise<void> {
    try {
      const outcome = await this.fold();
      if (outcome.hours.length) this.logger.log(`folded ${outcome.hours.length} hour(s) of spans in ${outcome.duration_ms} ms`);
    } catch (error) {
      this.logger.warn(`hourly fold failed: ${(error as Error).message}`);
    }
  }

  /** One run: the hours that changed or were never folded (fold-plan.ts), each in its own transaction. */
  fold(now = new Date()): Promise<FoldOutcome> {
    const run = this.run(now.getTime());
    this.running = run;
    return run;
  }

  /** The service graph over spans that started in [from, to): folded hours added up, the rest from raw spans. */
  async dependencies(window: { from: Date; to: Date }): Promise<Edge[]> {
    const parts = await this.split(
      window,
      (folded) => this.db.query(FOLDED_EDGES_SQL, folded),
      (raw) => this.db.query(EDGES_SQL, raw),
    );
    return addEdges(parts as Edge[][]).slice(0, MAX_ITEMS);
  }

  /** Operations (templated span names) with their kind of `service` among spans that started in the window, of one kind when given; ordered. */
  async operations(window: { from: Date; to: Date }, service: string, kind?: string): Promise<Array<{ name: string; kind: string }>> {
    const parts = await this.split(
      window,
      (folded) => this.db.query(FOLDED_OPERATIONS_SQL, [...folded, service, kind ?? null]),
      (raw) => this.db.query(OPERATIONS_SQL, [...raw, service, kind ?? null]),
    );
    const seen = new Map<string, { name: string; kind: string }>();
    for (const op of parts.flat() as Array<{ name: string; kind: string }>) seen.set(JSON.stringify([op.name, op.kind]), op);
    return [...seen.values()].sort((a, b) => comparePairs(a.name, a.kind, b.name, b.kind)).slice(0, MAX_ITEMS);
  }

  /**
   * A window read in parts: one read of the folded points of the whole hours inside it that are
   * folded (their ends in ($1, $2]), one scan of raw spans per range of the rest ([$1, $2)).
   */
  private async split(
    window: { from: Date; to: Date },
    foldedRead: (range: Date[]) => Promise<unknown[]>,
    rawRead: (range: Date[]) => Promise<unknown[]>,
  ) {
    const from = window.from.getTime();
    const to = window.to.getTime();
    const [first, end] = [ceilHour(from), floorHour(to)];
    const inside = first < end ? new Set([...(await this.foldedHours(first, end)).keys()]) : new Set<number>();
    const dates = (r: Range) => [new Date(r.from), new Date(r.to)];
    return Promise.all([
      ...(inside.size ? [foldedRead([new Date(first), new Date(end)])] : []),
      ...rawRanges(from, to, inside).map((r) => rawRead(dates(r))),
    ]);
  }

  /** Folded hours that end in (from, to], with the span count each fold saw. */
  private async foldedHours(from: number, to: number): Promise<Map<number, number>> {
    const rows: Array<{ hour: string; value: number }> = await this.db.query(FOLDED_HOURS_SQL, [new Date(from), new Date(to)]);
    return new Map(rows.map((r) => [Number(r.hour), Number(r.value)]));
  }

  private async run(now: number): Promise<FoldOutcome> {
    const started = performance.now();
    const currentHour = floorHour(now);
    const oldestHour = floorHour(now - this.traces.retentionDays * DAY_MS) + HOUR_MS;
    const horizon = currentHour - RECHECK_HOURS * HOUR_MS;
    const [counts, folded] = await Promise.all([
      this.db.query(HOUR_COUNTS_SQL, [new Date(horizon), new Date(currentHour)]) as Promise<Array<{ hour: string; n: string }>>,
      this.foldedHours(oldestHour, currentHour),
    ]);
    const spanCounts = new Map(counts.map((r) => [Number(r.hour), Number(r.n)]));
    const hours: string[] = [];
    for (const hour of hoursToFold({ currentHour, oldestHour, spanCounts, folded })) {
      if (!(await this.foldHour(hour))) return { ran: false, hours, duration_ms: Math.round(performance.now() - started) };
      hours.push(new Date(hour).toISOString());
    }
    return { ran: true, hours, duration_ms: Math.round(performance.now() - started) };
  }

  /**
   * Folds one hour in one transaction, written over any earlier fold of it (a point's id is its
   * series and hour). Series of an earlier fold that this one no longer finds cannot exist: spans
   * are only added, until retention drops their partition and the points' with it. False when
   * another replica holds the lock.
   */
  private foldHour(hour: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}) AS locked`);
      if (!locked) return false;
      const at = [new Date(hour), new Date(hour + HOUR_MS)];
      const edges: Edge[] = await tx.query(EDGES_SQL, at);
      const groups: Array<{ service: string | null; operation: string; kind: string; status: string; calls: number; spans: string }> =
        await tx.query(SPAN_CALLS_SQL, at);
      const n = groups.length ? groups[0].spans : 0;
      const calls = groups.filter((g): g is (typeof groups)[number] & { service: string } => g.service !== null);
      const points = [
        point(FOLDED_SPANS_METRIC, hour, Number(n), {}, '{span}', 'Spans that started in the hour, as its fold saw them'),
        ...edges.map((e) =>
          point(
            CALLS_METRIC,
            hour,
            e.call_count,
            { client: e.parent, server: e.child },
            '{call}',
            'Calls from the client service to the server service (parent-child spans across services)',
          ),
        ),
        ...calls.map((c) =>
          point(
            SPAN_CALLS_METRIC,
            hour,
            c.calls,
            {
              'service.name': c.service,
              'span.name': c.operation,
              'span.kind': `SPAN_KIND_${c.kind.toUpperCase()}`,
              'status.code': STATUS_CODES[c.status] ?? c.status,
            },
            '{span}',
            'Spans that started in the hour, per service, operation (templated span name), kind and status',
          ),
        ),
      ];
      await tx.query(
        `INSERT INTO observability_metrics SELECT * FROM jsonb_populate_recordset(NULL::observability_metrics, $1::jsonb)
           ON CONFLICT (id, "timestamp") DO UPDATE SET value = EXCLUDED.value`,
        [JSON.stringify(points.map((p) => metricRow(p)))],
      );
      return true;
    });
  }
}
