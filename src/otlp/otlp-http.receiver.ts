import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Authenticator } from '../auth/authenticator';
import { HttpRequest, Principal, requestMeta } from '../auth/principal';
import { InjectSettings, OtlpSettings, TracesSettings } from '../config/settings';
import { OtlpFormat, otlpFormat } from '../observability/otlp/otlp-body';
import { receiveOverHttp, SignalPipeline } from '../observability/signals/signal-pipeline';
import { FourfoldMetrics } from '../prometheus/fourfold-metrics';
import { GRPC_CODES, OtlpRefusal, refusalOf } from './otlp-answers';
import { OTLP_PIPELINES } from './otlp-pipelines';
import { encodeStatus } from './otlp-wire';


/** `/v1/traces`, `/v1/traces/` → `traces`; null for any other path. */
export function signalOfPath(url: string | undefined): string | null {
  const match = /^\/v1\/([a-z]+)\/?$/.exec((url ?? '').split('?')[0]);
  return match ? match[1] : null;
}

/**
 * OTLP/HTTP: POST /v1/<signal> for every registered pipeline, on the API port (mounted by
 * OtlpModule) and on OTLP_HTTP_PORT (OtlpHttpPort). Thin: the token and permission
 * (Authenticator), the body's encoding (415), room in the buffers (429/503 before the body is
 * read), the body (gzip, HTTP_MAX_BODY_BYTES checked while inflating: 413), then the pipeline.
 * Answers in the request's encoding: an Export<Signal>ServiceResponse, or on failure a
 * google.rpc.Status for protobuf requests and `{ statusCode, message, errors? }` for JSON ones,
 * with Retry-After when the client should retry.
 */
@Injectable()
export class OtlpHttpReceiver {
  private readonly logger = new Logger('OtlpHttp');
  private readonly bySignal: Map<string, SignalPipeline>;

  constructor(
    @Inject(OTLP_PIPELINES) readonly pipelines: SignalPipeline[],
    private readonly authenticator: Authenticator,
    private readonly metrics: FourfoldMetrics,
    @InjectSettings('otlp') private readonly settings: OtlpSettings,
    @InjectSettings('traces') private readonly traces: TracesSettings,
  ) {
    this.bySignal = new Map(pipelines.map((p) => [p.signal, p]));
  }

  /** The pipeline a path names, if any. */
  pipelineFor(url: string | undefined): SignalPipeline | null {
    const signal = signalOfPath(url);
    return signal ? (this.bySignal.get(signal) ?? null) : null;
  }

  /** Serves one request to /v1/<signal> of a registered pipeline. */
  async handle(pipeline: SignalPipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return this.answerError(res, null, { http: 405, grpc: GRPC_CODES.unimplemented, message: 'OTLP/HTTP exports are POSTed', errors: [], retryAfterSeconds: null, outcome: 'method' });
    }
    const started = performance.now();
    const timestamp = new Date();
    const meta = { ...requestMeta(req as HttpRequest), path: `/v1/${pipeline.signal}`, method: 'POST' };
    let principal: Principal | null = null;
    let format: OtlpFormat | null = null;
    try {
      principal = await this.authenticator.identify(req.headers.authorization, meta);
      this.authenticator.authorize(principal, meta, pipeline.permission, true);
      format = otlpFormat(req.headers['content-type']);
      // Room is asked for before the body is read: parsing a batch there is no room for would only burn CPU.
      const reply = await receiveOverHttp(Object.assign(req, { principal }), pipeline, {
        maxBodyBytes: this.settings.maxMessageBytes,
        json: this.traces.json,
      });
      this.metrics.observeOtlp('http', pipeline.signal, 'ok', reply);
      res.statusCode = 200;
      res.setHeader('Content-Type', reply.contentType);
      res.end(reply.body);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) this.logger.error(`${pipeline.signal} export failed: ${(error as Error).message}`);
      this.metrics.observeOtlp('http', pipeline.signal, refusal?.outcome ?? 'error', { accepted: 0, rejected: 0 });
      this.answerError(
        res,
        format ?? formatOf(req),
        refusal ?? { http: 500, grpc: GRPC_CODES.internal, message: 'Internal server error', errors: [], retryAfterSeconds: null, outcome: 'error' },
      );
    } finally {
      if (principal) {
        const p = principal;
        res.once('finish', () =>
          this.authenticator.recordUsage(p, meta, { statusCode: res.statusCode, ms: performance.now() - started, timestamp }),
        );
      }
    }
  }

  private answerError(res: ServerResponse, format: OtlpFormat | null, refusal: OtlpRefusal): void {
    if (res.headersSent) return void res.destroy();
    res.statusCode = refusal.http;
    if (refusal.retryAfterSeconds !== null) res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
    if (format === 'protobuf') {
      res.setHeader('Content-Type', 'application/x-protobuf');
      res.end(encodeStatus(refusal.grpc, refusal.message, refusal.retryAfterSeconds));
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({ statusCode: refusal.http, message: refusal.message, ...(refusal.errors.length ? { errors: refusal.errors } : {}) }),
    );
  }
}

/** The encoding a request declares, or null when it declares none fourfold reads. */
function formatOf(req: IncomingMessage): OtlpFormat | null {
  try {
    return otlpFormat(req.headers['content-type']);
  } catch {
    return null;
  }
}
