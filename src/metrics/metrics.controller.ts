import { BadRequestException, Body, Controller, Get, HttpCode, HttpException, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { z } from 'zod';
import { Env } from '../config/configuration';
import { validateExecutionBatch } from './ingest/execution-batch';
import { MetricsIngestService } from './ingest/metrics-ingest.service';
import { ENTITY_TYPES, metricTableByPath, MetricTable } from './metric-tables';
import { MetricsQueryService } from './query/metrics-query.service';
import { RollupService } from './rollup/rollup.service';
import { DAY_MS } from './time-range';

const isoDate = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' })
  .transform((v) => new Date(v))
  .optional();
const range = z.object({ from: isoDate, to: isoDate });
const timeseriesQuery = range.extend({ bucket: z.enum(['hour', 'day']).default('hour') });
const topQuery = range.extend({
  entity_type: z.enum(ENTITY_TYPES),
  by: z.enum(['count', 'p99', 'failure_rate']).default('count'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
const rollupBody = z
  .object({
    hours_back: z
      .number()
      .int()
      .min(1)
      .max(24 * 400),
  })
  .partial();

/** Parses query or body parameters; a bad one answers 400 naming it. */
function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'invalid parameters',
    errors: result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', reason: i.message })),
  });
}

/** Default window: the last 24 hours. */
function window(from: Date | undefined, to: Date | undefined): { from: Date; to: Date } {
  const end = to ?? new Date();
  const start = from ?? new Date(end.getTime() - DAY_MS);
  if (start >= end) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: '`from` must be before `to`' });
  return { from: start, to: end };
}

function tableFor(kind: string): MetricTable {
  const t = metricTableByPath(kind);
  if (!t) throw new NotFoundException(`unknown entity kind ${kind}: tools, servers, resources, prompts or a2a-agents`);
  return t;
}

/** Execution metrics API. Thin: validation here, work in the services. */
@Controller('api/v1/metrics')
export class MetricsController {
  private readonly maxBatch: number;
  private readonly lateHours: number;

  constructor(
    private readonly ingestService: MetricsIngestService,
    private readonly queries: MetricsQueryService,
    private readonly rollups: RollupService,
    config: ConfigService<Env, true>,
  ) {
    this.maxBatch = config.get('METRICS_INGEST_MAX_BATCH', { infer: true });
    this.lateHours = config.get('METRICS_ROLLUP_LATE_DATA_HOURS', { infer: true });
  }

  /** A batch of executions: all valid and accepted (202), or none written (400/413). */
  @Post('executions')
  @HttpCode(202)
  async ingest(@Body() body: unknown): Promise<{ accepted: number }> {
    const result = validateExecutionBatch(body, this.maxBatch, new Date());
    if (!result.ok) {
      throw new HttpException(
        {
          statusCode: result.status,
          error: result.status === 413 ? 'Payload Too Large' : 'Bad Request',
          message: result.message,
          errors: result.errors,
        },
        result.status,
      );
    }
    return { accepted: await this.ingestService.ingest(result.items) };
  }

  /** Runs the hourly rollup now over the last `hours_back` closed hours (default: the late-data window). */
  @Post('rollup')
  @HttpCode(200)
  rollup(@Body() body: unknown) {
    const { hours_back } = parse(rollupBody, body);
    return this.rollups.rollup(hours_back ?? this.lateHours);
  }

  @Get('top')
  top(@Query() query: unknown) {
    const q = parse(topQuery, query);
    const { from, to } = window(q.from, q.to);
    return this.queries.top(q.entity_type, q.by, from, to, q.limit);
  }

  @Get(':kind/:id/summary')
  summary(@Param('kind') kind: string, @Param('id') id: string, @Query() query: unknown) {
    const t = tableFor(kind);
    const q = parse(range, query);
    const { from, to } = window(q.from, q.to);
    return this.queries.summary(t, id, from, to);
  }

  @Get(':kind/:id/timeseries')
  timeseries(@Param('kind') kind: string, @Param('id') id: string, @Query() query: unknown) {
    const t = tableFor(kind);
    const q = parse(timeseriesQuery, query);
    const { from, to } = window(q.from, q.to);
    return this.queries.timeseries(t, id, from, to, q.bucket);
  }
}
