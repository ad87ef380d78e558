import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every series fourfold exposes starts with this. */
export const METRIC_PREFIX = 'fourfold_';

const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Request durations: 5 ms to 10 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus series of fourfold, in one registry (not prom-client's global one, so that
 * two apps in one process — the tests — keep their own). Names follow Prometheus conventions:
 * the fourfold_ prefix, base units (seconds, bytes), `_total` for counters. Values that other
 * components keep (writer counters, pools, partitions) are copied in at scrape time by
 * ScrapeService; only request durations are observed as they happen.
 */
@Injectable()
export class FourfoldMetrics {
  readonly registry = new Registry();

  readonly httpDuration = this.histogram('http_request_duration_seconds', 'HTTP request duration by route template, method and status', [
    'route',
    'method',
    'status',
  ]);

  readonly writerQueued = this.gauge('writer_queued_rows', 'Rows accepted by the writer and not yet written or spooled', ['role', 'table']);
  readonly writerWritten = this.counter('writer_written_rows_total', 'Rows committed by the writer', ['role', 'table']);
  readonly writerSpooled = this.counter(
    'writer_spooled_rows_total',
    'Rows appended to the local spool because the database did not take them',
    ['role', 'table'],
  );
  readonly writerReplayed = this.counter('writer_replayed_rows_total', 'Rows inserted by spool replays', ['role', 'table']);
  readonly writerRejected = this.counter('writer_rejected_rows_total', 'Rows refused: buffer full, shutting down, or invalid', [
    'role',
    'table',
  ]);
  readonly writerSpoolBytes = this.gauge('writer_spool_bytes', 'Bytes waiting in the spool to be replayed', ['role', 'table']);
  readonly writerAvailable = this.gauge(
    'writer_database_available',
    '1 when the writer currently reaches the role database, 0 while it spools',
    ['role'],
  );

  readonly databaseUp = this.gauge('database_up', '1 when the database serving the role answered its probe', ['role']);
  readonly probeDuration = this.gauge('database_probe_duration_seconds', 'Duration of the last probe of the role database', ['role']);
  readonly databaseFallback = this.gauge('database_fallback', '1 when the role has no database of its own and lives in core', ['role']);
  readonly poolConnections = this.gauge('database_pool_connections', 'Connections of the pool serving the role, by state (total, idle)', [
    'role',
    'state',
  ]);
  readonly poolWaiting = this.gauge('database_pool_waiting_requests', 'Queries waiting for a connection of the pool serving the role', [
    'role',
  ]);

  readonly horizon = this.gauge(
    'partition_premade_horizon_seconds',
    'How far ahead of now inserts land in a real partition (0: not even now)',
    ['role', 'table'],
  );
  readonly period = this.gauge('partition_period_seconds', 'Length of the current partition period of the table', ['role', 'table']);
  readonly partitions = this.gauge('partition_partitions', 'Dated partitions of the table (the DEFAULT one left out)', ['role', 'table']);
  readonly defaultRows = this.gauge('partition_default_rows', 'Rows waiting in the DEFAULT partition (normally 0)', ['role', 'table']);
  readonly maintenanceStatus = this.gauge(
    'partition_maintenance_status',
    'Status of the last maintenance of the table (last_maintenance in /status/database), whichever process ran it: 1 for its status',
    ['role', 'table', 'status'],
  );
  readonly maintenanceLastRun = this.gauge(
    'partition_maintenance_last_run_timestamp_seconds',
    'When the last maintenance of the table ran (last_maintenance.at in /status/database)',
    ['role', 'table'],
  );
  readonly maintenanceLastOk = this.gauge(
    'partition_maintenance_last_success_timestamp_seconds',
    'When maintenance of the table last succeeded (last_maintenance.last_ok_at in /status/database)',
    ['role', 'table'],
  );
  readonly statusReadable = this.gauge('partition_status_up', '1 when the partition state of the role could be read at this scrape', [
    'role',
  ]);

  readonly rollupLag = this.gauge(
    'rollup_lag_seconds',
    'How far the newest rolled-up hour is behind the newest closed hour with raw rows',
    ['table'],
  );
  readonly rollupNewestHour = this.gauge('rollup_newest_hour_timestamp_seconds', 'Start of the newest rolled-up hour', ['table']);
  readonly traceFoldLag = this.gauge(
    'trace_fold_lag_seconds',
    'How far the newest hour of spans folded for the Jaeger service graph and operations is behind the newest closed hour (at most two days)',
    // A label, so that a lag that cannot be read leaves the series out instead of reading 0.
    ['role'],
  );

  readonly otlpRequests = this.counter('otlp_requests_total', 'OTLP export requests by transport (grpc, http), signal and outcome', [
    'transport',
    'signal',
    'outcome',
  ]);
  readonly otlpItems = this.counter('otlp_items_total', 'Spans, data points or log records received over OTLP: accepted or rejected', [
    'transport',
    'signal',
    'result',
  ]);
  readonly otlpListening = this.gauge('otlp_receiver_listening', '1 while the OTLP receiver listens on its port (grpc, http)', [
    'transport',
  ]);
  readonly otlpInFlight = this.gauge('otlp_receiver_in_flight_requests', 'OTLP export requests being handled now', ['transport']);

  readonly scrapeDuration = this.gauge('scrape_collect_duration_seconds', 'Time this scrape spent reading databases and components');

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    // Gauges that prom-client names with a _total suffix, which Prometheus keeps for counters
    // (promtool check metrics rejects them): left out.
    for (const name of NON_COUNTER_TOTALS) this.registry.removeSingleMetric(METRIC_PREFIX + name);
  }

  /** One finished HTTP request. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method, status: String(status) }, seconds);
  }

  /** One answered OTLP export (outcome: ok, or the failure kind / auth status). */
  observeOtlp(transport: 'grpc' | 'http', signal: string, outcome: string, items: { accepted: number; rejected: number }): void {
    this.otlpRequests.inc({ transport, signal, outcome });
    if (items.accepted) this.otlpItems.inc({ transport, signal, result: 'accepted' }, items.accepted);
    if (items.rejected) this.otlpItems.inc({ transport, signal, result: 'rejected' }, items.rejected);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private histogram<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Histogram<L>({ name: METRIC_PREFIX + name, help, labelNames, buckets: DURATION_BUCKETS, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[] = []) {
    return new Gauge<L>({ name: METRIC_PREFIX + name, help, labelNames, registers: [this.registry] });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Counter<L>({ name: METRIC_PREFIX + name, help, labelNames, registers: [this.registry] });
  }
}

/** Sets a counter to a total kept elsewhere (prom-client counters only go up by increments). */
export function setCounter<L extends string>(counter: Counter<L>, rows: Array<{ labels: Record<L, string>; value: number }>): void {
  counter.reset();
  for (const row of rows) counter.inc(row.labels, row.value);
}
