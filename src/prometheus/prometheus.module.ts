import { Global, Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { PartitioningModule } from '../partitioning/partitioning.module';
import { FourfoldMetrics } from './fourfold-metrics';
import { MetricsPort } from './metrics-port';
import { PrometheusController } from './prometheus.controller';
import { ScrapeService } from './scrape.service';

/** Prometheus metrics: GET /metrics, and METRICS_PORT. FourfoldMetrics is global: the HTTP timing middleware observes into it. */
@Global()
@Module({
  imports: [HealthModule, PartitioningModule],
  controllers: [PrometheusController],
  providers: [FourfoldMetrics, ScrapeService, MetricsPort],
  exports: [FourfoldMetrics],
})
export class PrometheusModule {}
