import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpSettings, InjectSettings } from '../config/settings';
import { ScrapeService } from './scrape.service';

/**
 * METRICS_PORT: a second, minimal HTTP server that answers only GET /metrics, without a token,
 * for scrapers inside the cluster (the port is not published). Nothing else is served there.
 */
@Injectable()
export class MetricsPort implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    private readonly scrape: ScrapeService,
    @InjectSettings('http') private readonly settings: HttpSettings,
  ) {}

  /** The port actually listened on, or null. */
  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.metricsPort) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served on this port\n');
        return;
      }
      this.scrape.render().then(
        (body) => res.writeHead(200, { 'content-type': this.scrape.contentType }).end(body),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.metricsPort, () => resolve());
    });
    this.server = server;
    this.logger.log(`Prometheus metrics on port ${this.port} (GET /metrics, no token)`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
