import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, CurrentRequest } from '../../auth/decorators';
import { Principal, RequestMeta } from '../../auth/principal';
import { badField } from '../../common/field-errors';
import { DAY_MS } from '../../common/time';
import { METRIC_TABLES } from '../metric-tables';
import { decimal, entityRead, isoDate, KIND_PARAM, parse, RANGE_QUERIES, window } from '../metrics-params';
import { MetricsAccessService } from '../query/metrics-access.service';
import { DEFAULT_LATENCY_BOUNDS, parseBounds } from './heatmap';
import { MetricsAnalyticsService } from './metrics-analytics.service';

/** Chains read the tool rows of their window (no rollup keeps sequences): at most this long a window. */
export const MAX_CHAIN_WINDOW_DAYS = 7;

// Strict, as the other metrics queries (metrics-params.ts): an unknown parameter is refused naming it.
const statsQuery = z.object({ from: isoDate, to: isoDate, errors: decimal.pipe(z.number().min(0).max(100)).default('10') }).strict();
const heatmapQuery = z
  .object({
    from: isoDate,
    to: isoDate,
    bucket: z.enum(['hour', 'day']).default('hour'),
    bounds: z
      .string()
      .transform((v, ctx) => {
        const b = parseBounds(v);
        return typeof b === 'string' ? (ctx.addIssue({ code: z.ZodIssueCode.custom, message: b }), z.NEVER) : b;
      })
      .optional(),
  })
  .strict();
const chainsQuery = z
  .object({
    from: isoDate,
    to: isoDate,
    by: z.enum(['trace', 'session']).default('trace'),
    limit: decimal.pipe(z.number().min(1).max(100)).default('10'),
  })
  .strict();

/** Per-entity analytics under /api/v1/metrics (metrics.read; hidden entities answer 404 as the registry does). Thin. */
@ApiTags('metrics')
@Controller('api/v1/metrics')
export class MetricsAnalyticsController {
  constructor(
    private readonly analytics: MetricsAnalyticsService,
    private readonly access: MetricsAccessService,
  ) {}

  @Get('chains')
  @ApiOperation({ summary: 'Most common tool sequences within a trace or MCP session, and which tool follows which' })
  @ApiQuery({ name: 'by', required: false, enum: ['trace', 'session'] })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 10' })
  @ApiQuery({ ...RANGE_QUERIES[0], description: `default \`to\` minus 24 hours; at most ${MAX_CHAIN_WINDOW_DAYS} days before \`to\`` })
  @ApiQuery(RANGE_QUERIES[1])
  async chains(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parse(chainsQuery, query);
    const { from, to } = window(q.from, q.to);
    if (to.getTime() - from.getTime() > MAX_CHAIN_WINDOW_DAYS * DAY_MS)
      throw badField('from', `a chains window is at most ${MAX_CHAIN_WINDOW_DAYS} days`);
    const visible = await this.access.visibleIds(METRIC_TABLES.tool, principal);
    return this.analytics.chains(q.by, from, to, q.limit, visible);
  }

  @Get(':kind/:id/stats')
  @ApiOperation({ summary: 'Calls, error rate, p50/p90/p95/p99 over a window, and the most frequent errors by type and message' })
  @ApiParam(KIND_PARAM)
  @ApiQuery({ name: 'errors', required: false, description: 'how many error kinds, 0 to 100, default 10' })
  @ApiQuery(RANGE_QUERIES[0])
  @ApiQuery(RANGE_QUERIES[1])
  async stats(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    const { t, q, from, to } = await entityRead(this.access, statsQuery, { kind, id, query, principal, meta });
    return this.analytics.stats(t, id, from, to, q.errors);
  }

  @Get(':kind/:id/heatmap')
  @ApiOperation({ summary: 'Latency heatmap: calls per time bucket and latency bucket, from the stored sketches' })
  @ApiParam(KIND_PARAM)
  @ApiQuery({ name: 'bucket', required: false, enum: ['hour', 'day'] })
  @ApiQuery({ name: 'bounds', required: false, description: 'latency bucket upper bounds in seconds, increasing, comma-separated' })
  @ApiQuery(RANGE_QUERIES[0])
  @ApiQuery(RANGE_QUERIES[1])
  async heatmap(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    const { t, q, from, to } = await entityRead(this.access, heatmapQuery, { kind, id, query, principal, meta });
    return this.analytics.heatmap(t, id, from, to, q.bucket, q.bounds ?? DEFAULT_LATENCY_BOUNDS);
  }
}
