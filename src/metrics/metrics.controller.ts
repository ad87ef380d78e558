import { Body, Controller, Get, HttpCode, HttpException, Param, Post, Query } from '@nestjs/common';
import { InjectSettings, MetricsSettings } from '../config/settings';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { IngestLimits, validateExecutionBatch } from './ingest/execution-batch';
import { MetricsIngestService } from './ingest/metrics-ingest.service';
import { ENTITY_TYPES, METRIC_TABLES } from './metric-tables';
import { entityRead, KIND_PARAM, parse, range, RANGE_QUERIES, timeseriesQuery, topQuery, window } from './metrics-params';
import { MetricsAccessService } from './query/metrics-access.service';
import { MetricsQueryService } from './query/metrics-query.service';
import { CurrentPrincipal, CurrentRequest } from '../auth/decorators';
import { Principal, RequestMeta } from '../auth/principal';
import { RollupService } from './rollup/rollup.service';

const rollupBody = z
  .object({
    hours_back: z
      .number()
      .int()
      .min(1)
      .max(24 * 400),
  })
  .partial()
  .strict();

// OpenAPI descriptions. The request is validated by hand (validateExecutionBatch: ~0.8 µs an
// item, against ~7 µs for a schema library on this hot path), so its schema is written here.
const EXECUTION_SCHEMA = {
  type: 'object',
  required: ['entity_type', 'entity_id', 'response_time', 'is_success'],
  properties: {
    entity_type: { type: 'string', enum: [...ENTITY_TYPES] },
    entity_id: { type: 'string', minLength: 1, maxLength: 36, description: "the entity's id in core" },
    timestamp: { type: 'string', format: 'date-time', description: 'default now; within METRICS_RETENTION_DAYS, at most 5 minutes ahead' },
    response_time: { type: 'number', minimum: 0, description: 'seconds, at most METRICS_MAX_RESPONSE_TIME_SECONDS' },
    is_success: { type: 'boolean' },
    error_message: { type: 'string', description: 'cut to 4096 characters' },
    interaction_type: { type: 'string', minLength: 1, maxLength: 50, description: 'A2A agents only (default invoke)' },
    error_type: { type: 'string', maxLength: 255, description: 'the error class (tool_error, TimeoutError…)' },
    trace_id: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{32}$',
      description: 'with span_id: the span this execution is (stored once with it)',
    },
    span_id: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
  },
};
/** Execution metrics API. Thin: validation here, work in the services. */
@ApiTags('metrics')
@Controller('api/v1/metrics')
export class MetricsController {
  private readonly ingestLimits: IngestLimits;

  constructor(
    private readonly ingestService: MetricsIngestService,
    private readonly queries: MetricsQueryService,
    private readonly access: MetricsAccessService,
    private readonly rollups: RollupService,
    @InjectSettings('metrics') settings: MetricsSettings,
  ) {
    this.ingestLimits = {
      maxBatch: settings.ingestMaxBatch,
      retentionDays: settings.retentionDays,
      maxResponseTimeSeconds: settings.maxResponseTimeSeconds,
    };
  }

  /** A batch of executions: all valid and accepted (202), or none written (400/413). */
  @Post('executions')
  @HttpCode(202)
  @ApiOperation({ summary: 'Record a batch of executions (all or nothing)' })
  @ApiBody({ schema: { type: 'array', items: EXECUTION_SCHEMA } })
  @ApiResponse({ status: 202, description: '`{ accepted }`: the rows are in the write buffer' })
  @ApiResponse({ status: 400, description: 'a bad item: `errors` names each index and field; nothing written' })
  @ApiResponse({ status: 413, description: 'more items than METRICS_INGEST_MAX_BATCH, or a body over HTTP_MAX_BODY_BYTES' })
  @ApiResponse({ status: 503, description: 'write buffer full: retry after `Retry-After` seconds' })
  async ingest(@Body() body: unknown): Promise<{ accepted: number }> {
    const result = validateExecutionBatch(body, this.ingestLimits, new Date());
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

  /** Runs the rollup now: pending hours and days, and with `hours_back` every closed hour of that window. */
  @Post('rollup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the rollup now (pending hours and days; with `hours_back`, every closed hour of that window)' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { hours_back: { type: 'integer', minimum: 1, maximum: 9600 } } } })
  rollup(@Body() body: unknown) {
    const { hours_back } = parse(rollupBody, body);
    return this.rollups.rollup({ hoursBack: hours_back });
  }

  @Get('top')
  @ApiOperation({ summary: 'Top entities of one type by count, p99 or failure rate' })
  @ApiQuery({ name: 'entity_type', enum: [...ENTITY_TYPES] })
  @ApiQuery({ name: 'by', required: false, enum: ['count', 'p99', 'failure_rate'] })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 10' })
  @ApiQuery(RANGE_QUERIES[0])
  @ApiQuery(RANGE_QUERIES[1])
  @ApiQuery(RANGE_QUERIES[2])
  async top(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parse(topQuery, query);
    const { from, to } = window(q.from, q.to);
    const visible = await this.access.visibleIds(METRIC_TABLES[q.entity_type], principal);
    return this.queries.top(q.entity_type, q.by, from, to, q.limit, { exact: q.exact, visible });
  }

  @Get(':kind/:id/summary')
  @ApiOperation({ summary: 'Totals, failure rate, min/max/avg and last execution of one entity (daily and hourly rollups + raw tail)' })
  @ApiParam(KIND_PARAM)
  @ApiQuery(RANGE_QUERIES[0])
  @ApiQuery(RANGE_QUERIES[1])
  @ApiQuery(RANGE_QUERIES[2])
  async summary(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    const { t, q, from, to } = await entityRead(this.access, range, { kind, id, query, principal, meta });
    return this.queries.summary(t, id, from, to, { exact: q.exact });
  }

  @Get(':kind/:id/timeseries')
  @ApiOperation({ summary: 'Per bucket: count, failure rate, p50/p90/p95/p99; says the source of each bucket and the error bound' })
  @ApiParam(KIND_PARAM)
  @ApiQuery({ name: 'bucket', required: false, enum: ['hour', 'day'] })
  @ApiQuery(RANGE_QUERIES[0])
  @ApiQuery(RANGE_QUERIES[1])
  @ApiQuery(RANGE_QUERIES[2])
  async timeseries(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    const { t, q, from, to } = await entityRead(this.access, timeseriesQuery, { kind, id, query, principal, meta });
    return this.queries.timeseries(t, id, from, to, q.bucket, { exact: q.exact });
  }
}
