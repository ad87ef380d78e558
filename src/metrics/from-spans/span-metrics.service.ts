import { Injectable, Logger } from '@nestjs/common';
import { InjectSettings, MetricsSettings } from '../../config/settings';
import { Execution } from '../ingest/execution-batch';
import { MetricsIngestService } from '../ingest/metrics-ingest.service';
import { DeriveLimits, executionsOfSpans, SpanFacts, SpanMatcher } from './span-executions';
import { SPAN_PROFILE_DEFINITIONS } from './span-profiles';

/**
 * Execution metrics from ingested spans (METRICS_FROM_SPANS): the trace pipeline, which
 * every transport reaches, asks `derive` for the rows of a batch, checks `hasRoom` before it
 * accepts the batch, then hands them to `store`, which resolves names and buffers them
 * through the metrics ingest path (the same writer, partitions, names and rollups as the API).
 */
@Injectable()
export class SpanMetricsService {
  private readonly logger = new Logger('SpanMetrics');
  private readonly matcher: SpanMatcher | null;
  private readonly limits: DeriveLimits;
  /** Derived rows buffered, and rows lost because the metrics buffers stayed full after the check (logged). */
  readonly counts = { buffered: 0, dropped: 0 };

  constructor(
    private readonly ingest: MetricsIngestService,
    @InjectSettings('metrics') settings: MetricsSettings,
  ) {
    this.matcher = settings.fromSpans.length ? new SpanMatcher(settings.fromSpans.map((name) => SPAN_PROFILE_DEFINITIONS[name])) : null;
    this.limits = { retentionDays: settings.retentionDays, maxResponseTimeSeconds: settings.maxResponseTimeSeconds };
  }

  get enabled(): boolean {
    return this.matcher !== null;
  }

  /** The execution rows the spans describe (none when METRICS_FROM_SPANS=off). */
  derive(spans: readonly SpanFacts[], now = Date.now()): Execution[] {
    return this.matcher ? executionsOfSpans(spans, this.matcher, this.limits, now) : [];
  }

  hasRoom(executions: readonly Execution[]): boolean {
    return executions.length === 0 || this.ingest.hasRoom(executions);
  }

  /** Buffers the rows; never rejects (the spans are already accepted): a failure is logged and counted. */
  async store(executions: Execution[]): Promise<void> {
    if (executions.length === 0) return;
    try {
      await this.ingest.ingest(executions);
      this.counts.buffered += executions.length;
    } catch (error) {
      this.counts.dropped += executions.length;
      this.logger.warn(`${executions.length} execution row(s) derived from spans not buffered: ${(error as Error).message}`);
    }
  }
}
