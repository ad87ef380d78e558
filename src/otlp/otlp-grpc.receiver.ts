import { Metadata, Server, ServerCredentials, ServerUnaryCall, ServiceDefinition, sendUnaryData, ServiceError } from '@grpc/grpc-js';
import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Authenticator } from '../auth/authenticator';
import { RequestMeta } from '../auth/principal';
import { InjectSettings, OtlpSettings, TracesSettings } from '../config/settings';
import { otlpReply, parseOtlpBody } from '../observability/otlp/otlp-decode';
import { grpcServiceOf } from '../observability/otlp/otlp-proto';
import { SignalPipeline } from '../observability/signals/signal-pipeline';
import { FourfoldMetrics } from '../prometheus/fourfold-metrics';
import { GRPC_CODES, refusalOf } from './otlp-answers';
import { OTLP_PIPELINES } from './otlp-pipelines';
import { encodeStatus } from './otlp-wire';

const identity = (bytes: Buffer) => bytes;

/**
 * The collector service of a pipeline (`<service>/Export`, unary), with the message left as
 * bytes: the pipeline decodes it, so that a malformed message answers INVALID_ARGUMENT naming
 * the problem rather than grpc-js's INTERNAL.
 */
function serviceOf(pipeline: SignalPipeline): ServiceDefinition {
  return {
    Export: {
      path: `/${grpcServiceOf(pipeline.signal)}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

/** `ipv4:1.2.3.4:5`, `1.2.3.4:5`, `[::1]:5` → the address alone. */
export function peerAddress(peer: string): string | null {
  const bare = peer.replace(/^ipv[46]:/, '');
  const v6 = /^\[([^\]]+)\]/.exec(bare);
  const address = v6 ? v6[1] : bare.replace(/:\d+$/, '');
  return address ? address.replace(/^::ffff:/, '').slice(0, 45) : null;
}

/**
 * OTLP/gRPC (OTLP_GRPC_PORT, default 4317; 0: off), optionally over TLS: the collector
 * service of every registered pipeline (src/otlp/otlp-pipelines.ts). Thin: authentication from
 * the `authorization` metadata through the Authenticator (the same tokens, permissions,
 * blocking and audit as HTTP), then the pipeline. gzip is inflated by grpc-js within the
 * message limit (HTTP_MAX_BODY_BYTES, received and inflated alike: RESOURCE_EXHAUSTED beyond).
 * Failures answer the codes of HTTP_TO_GRPC (otlp-answers.ts); a retryable one carries a
 * google.rpc.RetryInfo in grpc-status-details-bin. Shutdown stops taking calls and waits for
 * those in flight (whose rows the writer then flushes).
 */
@Injectable()
export class OtlpGrpcReceiver implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OtlpGrpc');
  private server: Server | null = null;
  private boundPort: number | null = null;
  private inFlight = 0;

  constructor(
    @Inject(OTLP_PIPELINES) private readonly pipelines: SignalPipeline[],
    private readonly authenticator: Authenticator,
    private readonly metrics: FourfoldMetrics,
    @InjectSettings('otlp') private readonly settings: OtlpSettings,
    @InjectSettings('traces') private readonly traces: TracesSettings,
  ) {}

  /** The port listened on, or null when off or stopped. */
  get port(): number | null {
    return this.boundPort;
  }

  /** For /health: null when not configured. */
  state(): { configured: boolean; listening: boolean; port: number | null; tls: boolean; inFlight: number } {
    return {
      configured: this.settings.grpcPort !== 0,
      listening: this.boundPort !== null,
      port: this.boundPort,
      tls: this.settings.grpcTls !== null,
      inFlight: this.inFlight,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.grpcPort) return;
    const max = this.settings.maxMessageBytes;
    const server = new Server({ 'grpc.max_receive_message_length': max, 'grpc.max_send_message_length': max });
    for (const pipeline of this.pipelines) {
      server.addService(serviceOf(pipeline), {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => void this.export(pipeline, call, callback),
      });
    }
    const tls = this.settings.grpcTls;
    const credentials = tls
      ? ServerCredentials.createSsl(null, [{ cert_chain: readPem(tls.certFile, 'OTLP_GRPC_TLS_CERT'), private_key: readPem(tls.keyFile, 'OTLP_GRPC_TLS_KEY') }], false)
      : ServerCredentials.createInsecure();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`0.0.0.0:${this.settings.grpcPort}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    this.boundPort = port;
    this.metrics.otlpListening.set({ transport: 'grpc' }, 1);
    this.logger.log(
      `OTLP/gRPC on port ${port}${tls ? ' (TLS)' : ''}: ${this.pipelines.map((p) => grpcServiceOf(p.signal).split('.').pop()).join(', ')}`,
    );
  }

  /** Stops taking calls and lets those in flight finish (the writer flushes their rows after). */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.boundPort = null;
    this.metrics.otlpListening.set({ transport: 'grpc' }, 0);
    if (!server) return;
    await new Promise<void>((resolve) => {
      // A call that outlives the grace period is cancelled: its client retries.
      const force = setTimeout(() => server.forceShutdown(), 10_000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private async export(pipeline: SignalPipeline, call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): Promise<void> {
    this.inFlight++;
    this.metrics.otlpInFlight.set({ transport: 'grpc' }, this.inFlight);
    const started = performance.now();
    const timestamp = new Date();
    const meta: RequestMeta = {
      requestId: null,
      clientIp: peerAddress(call.getPeer()),
      userAgent: String(call.metadata.get('user-agent')[0] ?? '').slice(0, 1000) || null,
      path: `/${grpcServiceOf(pipeline.signal)}/Export`,
      method: 'GRPC',
    };
    let principal = null;
    let code = 0;
    try {
      const authorization = call.metadata.get('authorization')[0];
      principal = await this.authenticator.identify(typeof authorization === 'string' ? authorization : undefined, meta);
      this.authenticator.authorize(principal, meta, pipeline.permission, true);
      if (!(await pipeline.waitForRoom())) throw pipeline.refusal();
      const request = parseOtlpBody(pipeline.signal, call.request, 'protobuf', this.traces.json);
      const outcome = await pipeline.ingest(request, principal);
      this.metrics.observeOtlp('grpc', pipeline.signal, 'ok', outcome);
      callback(null, otlpReply(pipeline.signal, 'protobuf', outcome, pipeline.noun).body as Buffer);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) this.logger.error(`${pipeline.signal} export failed: ${(error as Error).message}`);
      code = refusal?.grpc ?? GRPC_CODES.internal;
      const message = refusal?.message ?? 'internal error';
      this.metrics.observeOtlp('grpc', pipeline.signal, refusal?.outcome ?? 'error', { accepted: 0, rejected: 0 });
      const metadata = new Metadata();
      const retry = refusal?.retryAfterSeconds ?? null;
      if (retry !== null) metadata.set('grpc-status-details-bin', encodeStatus(code, message, retry));
      callback({ code, details: message, metadata } as Partial<ServiceError> as ServiceError);
    } finally {
      this.inFlight--;
      this.metrics.otlpInFlight.set({ transport: 'grpc' }, this.inFlight);
      if (principal)
        this.authenticator.recordUsage(principal, meta, { statusCode: grpcToHttp(code), ms: performance.now() - started, timestamp });
    }
  }
}

/** token_usage_logs keeps an HTTP status: the gRPC code's HTTP equivalent. */
function grpcToHttp(code: number): number {
  return ({ 0: 200, 3: 400, 7: 403, 8: 429, 14: 503, 16: 401 } as Record<number, number>)[code] ?? 500;
}

function readPem(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
