import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../auth/decorators';
import { PERMISSIONS } from '../../auth/permissions';
import { OtelMetricsService, parseMetricQuery } from './otel-metrics.service';

const WINDOW = [
  { name: 'from', required: false, description: 'ISO 8601 with a time zone; default `to` minus `lookback`' },
  { name: 'to', required: false, description: 'ISO 8601 with a time zone; default now (half-open window, at most 31 days)' },
  { name: 'lookback', required: false, description: 'window length when `from` is absent: 15m, 6h, 7d… (default 1h)' },
  { name: 'service', required: false, description: 'the resource service.name' },
];

/** OTLP metrics (received on /v1/metrics), from the observability database. */
@ApiTags('otel metrics')
@Controller('api/v1/otel-metrics')
export class OtelMetricsController {
  constructor(private readonly metrics: OtelMetricsService) {}

  @Get()
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Metric names seen in the window, with type, unit, description, temporality, series and point counts' })
  @ApiQuery(WINDOW[0])
  @ApiQuery(WINDOW[1])
  @ApiQuery(WINDOW[2])
  @ApiQuery(WINDOW[3])
  names(@Query() query: Record<string, unknown>) {
    return this.metrics.names(parseMetricQuery(query, { needsName: false }));
  }

  @Get('series')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({
    summary: 'One metric per series and time bucket: rate of a counter, last/avg of a gauge, count and p50/p95/p99 of a histogram',
    description:
      'Monotonic sums: increase and rate per second (resets handled, delta and cumulative). Gauges and non-monotonic sums: last, avg, min, max. ' +
      'Histograms (explicit and exponential): count, sum, p50, p95, p99 interpolated within buckets. Summaries: the last count, sum and quantiles. ' +
      'attr.<key>=<value> filters on point attributes (repeatable). Exemplars name their trace (`trace`: its path). At most 1440 buckets and 200,000 points.',
  })
  @ApiQuery({ name: 'name', required: true })
  @ApiQuery({ name: 'bucket', required: false, description: '30s, 5m, 1h, 1d… (default: the window in 60 buckets)' })
  @ApiQuery(WINDOW[0])
  @ApiQuery(WINDOW[1])
  @ApiQuery(WINDOW[2])
  @ApiQuery(WINDOW[3])
  series(@Query() query: Record<string, unknown>) {
    return this.metrics.series(parseMetricQuery(query, { needsName: true }));
  }
}
