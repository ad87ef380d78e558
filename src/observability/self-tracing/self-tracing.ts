import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage } from 'node:http';
import { SelfTraceSink, SelfTraceStoreExporter } from './self-trace-store.exporter';

/** Where fourfold's own spans go, decided by the environment. */
export type SelfTracingMode = 'off' | 'store' | 'otlp';

/**
 * Off unless asked for: OBSERVABILITY_SELF_TRACES=true stores the spans in fourfold's own
 * observability role; otherwise an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) sends them there. OTEL_SDK_DISABLED=true wins.
 */
export function selfTracingMode(env: NodeJS.ProcessEnv): SelfTracingMode {
  const yes = (v: string | undefined) => ['true', '1', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());
  if (yes(env.OTEL_SDK_DISABLED)) return 'off';
  if (yes(env.OBSERVABILITY_SELF_TRACES)) return 'store';
  if ((env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim()) return 'otlp';
  return 'off';
}

/** Requests that are never traced: probes, and OTLP exports (fourfold exporting to itself would trace its own exports forever). */
export function ignoredRequest(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return path === '/v1/traces' || path === '/v1/metrics' || path === '/v1/logs' || path.startsWith('/health');
}

export interface SelfTracing {
  mode: Exclude<SelfTracingMode, 'off'>;
  /** For mode `store`: hands the exporter the receiver's store path once the application is up. */
  attach(sink: SelfTraceSink): void;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK for Node: HTTP (server and client), Express and pg spans,
 * sampled by OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, resource from OTEL_SERVICE_NAME
 * and OTEL_RESOURCE_ATTRIBUTES (service.name defaults to fourfold). Must run before http,
 * express and pg are loaded: main.ts imports it first. Database calls are traced only inside
 * a traced operation (requireParentSpan), so background work (writer flushes, maintenance)
 * makes no root spans.
 */
export function startSelfTracing(env: NodeJS.ProcessEnv = process.env): SelfTracing | null {
  const mode = selfTracingMode(env);
  if (mode === 'off') return null;
  const store = mode === 'store' ? new SelfTraceStoreExporter() : null;
  const exporter: SpanExporter = store ?? new OTLPTraceExporter();
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'fourfold' }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req: IncomingMessage) => ignoredRequest(req.url) }),
      // Route handlers only: a span per middleware (parsers, logging, timing) costs more than it tells.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  return {
    mode,
    attach: (sink) => store?.attach(sink),
    shutdown: () => provider.shutdown(),
  };
}
