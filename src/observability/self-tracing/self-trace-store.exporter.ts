import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** What the exporter hands its spans to: the OTLP receiver's decode-and-store path (TraceIngestService). */
export interface SelfTraceSink {
  storeOtlpJson(body: Buffer): void;
}

/** Spans kept while the application (and so the writer) is not up yet. */
const MAX_PENDING_SPANS = 10_000;

/**
 * Stores fourfold's own spans in its observability role (OBSERVABILITY_SELF_TRACES=true).
 * Spans are serialized with the OpenTelemetry OTLP/JSON serializer and go through exactly the
 * path of a received export (validation, rows, the writer), never over HTTP. The batch span
 * processor calls `export` with tracing suppressed, and the sink writes with tracing
 * suppressed too, so storing spans makes no spans.
 */
export class SelfTraceStoreExporter implements SpanExporter {
  private sink: SelfTraceSink | null = null;
  private pending: ReadableSpan[] = [];
  dropped = 0;

  /** Connects the sink once the application is up; spans exported before then are written now. */
  attach(sink: SelfTraceSink): void {
    this.sink = sink;
    const pending = this.pending;
    this.pending = [];
    if (pending.length) this.export(pending, () => undefined);
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (!this.sink) {
      const room = MAX_PENDING_SPANS - this.pending.length;
      this.pending.push(...spans.slice(0, Math.max(0, room)));
      this.dropped += Math.max(0, spans.length - room);
      return done({ code: ExportResultCode.SUCCESS });
    }
    try {
      const body = JsonTraceSerializer.serializeRequest(spans);
      if (body) this.sink.storeOtlpJson(Buffer.from(body));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      this.dropped += spans.length;
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {
    this.sink = null;
  }
}
