import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { InjectSettings, TracesSettings } from '../../config/settings';
import { OBSERVABILITY_DB } from '../../database/roles';
import { MetricPointIn } from '../otlp/otlp-metrics-request';
import { metricRow } from '../signals/metric-rows';
import { addEdges, Edge, floorHour, hoursToFold, RECHECK_HOURS, rawRanges } from './fold-plan';

/** Scope of the points the fold writes into observability_metrics: what tells them from points a client sent. */
export const SERVICE_GRAPH_SCOPE = 'fourfold.service_graph';
/** Calls from one service to another in an hour: the OpenTelemetry Collector's servicegraph connector's name and labels (client, server). */
export const CALLS_METRIC = 'traces_service_graph_request_total';
/** Spans that started in a folded hour, as its fold saw them: which hours are folded, and whether one changed since. */
export const FOLDED_SPANS_METRIC = 'fourfold_service_graph_spans_total';
export const SERVICE_GRAPH_JOB = 'trace-service-graph';
/** Advisory lock of a fold ("fourdeps" in ASCII): one replica folds an hour at a time. */
const FOLD_LOCK_KEY = '7381247448454623347';
/** Edges answered at most (Jaeger's clients draw them all). */
const MAX_EDGES = 10_000;

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

/** Folded hours with their points: a point's time is the end of its hour, its start time the hour. */
const FOLDED_HOURS_SQL = `SELECT extract(epoch FROM start_timestamp) * 1000 AS hour, value FROM observability_metrics
  WHERE name = '${FOLDED_SPANS_METRIC}' AND scope_name = '${SERVICE_GRAPH_SCOPE}' AND "timestamp" > $1 AND "timestamp" <= $2`;

const FOLDED_EDGES_SQL = `SELECT attributes->>'client' AS parent, attributes->>'server' AS child, sum(value)::bigint AS call_count
  FROM observability_metrics
  WHERE name = '${CALLS_METRIC}' AND scope_name = '${SERVICE_GRAPH_SCOPE}' AND "timestamp" > $1 AND "timestamp" <= $2
  GROUP BY 1, 2`;

export interface FoldOutcome {
  /** False when another replica held the lock: that work is left to it. */
  ran: boolean;
  /** Starts of the hours folded, newest first. */
  hours: string[];
  duration_ms: number;
}

/** A point of the service graph, in the shape of a received OTLP sum point (so one writer of rows, one reader of series). */
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
    scopeName: SERVICE_GRAPH_SCOPE,
    scopeVersion: null,
  };
}

/**
 * The service graph of Jaeger's /dependencies, kept incrementally: each closed hour's
 * cross-service parent-child pairs are counted once (a fold) and stored as delta sum points in
 * observability_metrics, beside a point with the number of spans the fold saw. A read adds up
 * the folded hours of its window and scans raw spans only for the rest (the partial hours at its
 * edges, the current hour, an hour not folded yet), so a day costs about two hours of spans
 * whatever the traffic. Every run (TRACES_SERVICE_GRAPH_INTERVAL_SECONDS) looks at the last
 * RECHECK_HOURS closed hours again and folds anew each one whose span count changed, with its
 * neighbours: spans that arrive late, or children before their parents, are counted; spans
 * stored more than RECHECK_HOURS after their hour are not (docs/storage.md). The fold only makes
 * reads faster: with it off, every read scans raw spans and answers the same.
 */
@Injectable()
export class ServiceGraphService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ServiceGraph');
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource(OBSERVABILITY_DB) private readonly db: DataSource,
    private readonly scheduler: SchedulerRegistry,
    @InjectSettings('traces') private readonly traces: TracesSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.traces.serviceGraphIntervalMs === 0) return;
    const timer = setInterval(() => void this.scheduledFold(), this.traces.serviceGraphIntervalMs);
    timer.unref();
    this.scheduler.addInterval(SERVICE_GRAPH_JOB, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', SERVICE_GRAPH_JOB)) this.scheduler.deleteInterval(SERVICE_GRAPH_JOB);
    await this.running?.catch(() => undefined);
  }

  /** The scheduled job. Never throws. */
  async scheduledFold(): Promise<void> {
    try {
      const outcome = await this.fold();
      if (outcome.hours.length) this.logger.log(`folded ${outcome.hours.length} hour(s) of spans in ${outcome.duration_ms} ms`);
    } catch (error) {
      this.logger.warn(`service graph fold failed: ${(error as Error).message}`);
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
    const from = window.from.getTime();
    const to = window.to.getTime();
    const folded = await this.foldedHours(from, to);
    const first = Math.ceil(from / HOUR_MS) * HOUR_MS;
    const end = floorHour(to);
    const inside = new Set([...folded.keys()].filter((h) => h >= first && h + HOUR_MS <= end));
    const ranges = rawRanges(from, to, inside);
    const parts = await Promise.all([
      inside.size ? this.db.query(FOLDED_EDGES_SQL, [new Date(first), new Date(end)]) : [],
      ...ranges.map((r) => this.db.query(EDGES_SQL, [new Date(r.from), new Date(r.to)])),
    ]);
    return addEdges(parts).slice(0, MAX_EDGES);
  }

  /** Folded hours that end in (from, to], with the span count each fold saw. */
  private async foldedHours(from: number, to: number, db: DataSource | EntityManager = this.db): Promise<Map<number, number>> {
    const rows: Array<{ hour: string; value: number }> = await db.query(FOLDED_HOURS_SQL, [new Date(from), new Date(to)]);
    return new Map(rows.map((r) => [Number(r.hour), Number(r.value)]));
  }

  private async run(now: number): Promise<FoldOutcome> {
    const started = performance.now();
    const currentHour = floorHour(now);
    const oldestHour = floorHour(now - this.traces.retentionDays * DAY_MS) + HOUR_MS;
    const horizon = currentHour - RECHECK_HOURS * HOUR_MS;
    const [counts, folded] = await Promise.all([
      this.db.query(
        `SELECT extract(epoch FROM date_trunc('hour', start_time, 'UTC')) * 1000 AS hour, count(*)::bigint AS n
           FROM observability_spans WHERE start_time >= $1 AND start_time < $2 GROUP BY 1`,
        [new Date(horizon), new Date(currentHour)],
      ) as Promise<Array<{ hour: string; n: string }>>,
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

  /** Folds one hour in one transaction: its edges and its span count, written over any earlier fold of it. False when another replica holds the lock. */
  private foldHour(hour: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}) AS locked`);
      if (!locked) return false;
      const at = [new Date(hour), new Date(hour + HOUR_MS)];
      const [edges, [{ n }]] = await Promise.all([
        tx.query(EDGES_SQL, at) as Promise<Edge[]>,
        tx.query(`SELECT count(*)::bigint AS n FROM observability_spans WHERE start_time >= $1 AND start_time < $2`, at),
      ]);
      const points = [
        point(FOLDED_SPANS_METRIC, hour, Number(n), {}, '{span}', 'Spans that started in the hour, as the service graph fold saw them'),
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
