import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { InjectSettings, OtlpSettings } from '../config/settings';
import { FourfoldMetrics } from '../prometheus/fourfold-metrics';
import { OtlpHttpReceiver } from './otlp-http.receiver';

/**
 * OTLP_HTTP_PORT (default 4318; 0: off): the OTLP/HTTP convention's own port, where an SDK's
 * base URL `http://host:4318` works unchanged (it appends /v1/traces, /v1/metrics, /v1/logs).
 * Only the registered signals' paths are served there; the same exports are also taken at
 * /v1/<signal> on the API port.
 */
@Injectable()
export class OtlpHttpPort implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OtlpHttp');
  private server: Server | null = null;
  private inFlight = 0;

  constructor(
    private readonly receiver: OtlpHttpReceiver,
    private readonly metrics: FourfoldMetrics,
    @InjectSettings('otlp') private readonly settings: OtlpSettings,
  ) {}

  /** The port listened on, or null. */
  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  state(): { configured: boolean; listening: boolean; port: number | null; inFlight: number } {
    return { configured: this.settings.httpPort !== 0, listening: this.port !== null, port: this.port, inFlight: this.inFlight };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.httpPort) return;
    const paths = this.receiver.pipelines.map((p) => `/v1/${p.signal}`);
    const server = createServer((req, res) => {
      const pipeline = this.receiver.pipelineFor(req.url);
      if (!pipeline) {
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ statusCode: 404, message: `this port serves OTLP/HTTP exports only: POST ${paths.join(', ')}` }));
        return;
      }
      this.inFlight++;
      res.once('close', () => this.inFlight--);
      void this.receiver.handle(pipeline, req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.httpPort, () => resolve());
    });
    this.server = server;
    this.metrics.otlpListening.set({ transport: 'http' }, 1);
    this.logger.log(`OTLP/HTTP on port ${this.port}: POST ${paths.join(', ')}`);
  }

  /** Stops taking connections; requests in flight finish (their rows are flushed by the writer after). */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.metrics.otlpListening.set({ transport: 'http' }, 0);
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}
