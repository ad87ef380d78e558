import { badField } from '../../common/field-errors';
import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../../auth/decorators';
import { Principal } from '../../auth/principal';
import { PERMISSIONS } from '../../auth/permissions';
import { filterOrBadRequest, StatBucket, TraceQueryService } from './trace-query.service';

const WINDOW_QUERIES = [
  { name: 'from', required: false, description: 'ISO 8601 with a time zone; default `to` minus `lookback`' },
  { name: 'to', required: false, description: 'ISO 8601 with a time zone; default now (half-open window)' },
  { name: 'lookback', required: false, description: 'window length when `from` is absent: 15m, 6h, 7d… (default 1h)' },
];

/** Drops the parameter `key` (not part of a filter) from the query, returning its value. */
function take(query: Record<string, unknown>, key: string): unknown {
  const value = query[key];
  delete query[key];
  return value;
}

/** Trace reads, from the observability database only. */
@ApiTags('traces')
@Controller('api/v1/traces')
export class TraceQueryController {
  constructor(private readonly traces: TraceQueryService) {}

  @Get()
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({
    summary: 'Search traces (per-trace summaries), newest first by default',
    description:
      'Filters: service (any span of the trace), name (root span), status, min_duration_ms, max_duration_ms, model, min_tokens, ' +
      'attr.<key>=<value> (a span or resource attribute of some span; repeatable with different keys), window; sort=start|duration|tokens; limit (1-1000, default 20); cursor.',
  })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['ok', 'error', 'unset'] })
  @ApiQuery({ name: 'sort', required: false, enum: ['start', 'duration', 'tokens'] })
  @ApiQuery({ name: 'cursor', required: false })
  search(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    const cursor = take(query, 'cursor');
    if (cursor !== undefined && typeof cursor !== 'string') throw badField('cursor', 'cursor must be given once');
    return this.traces.search(filterOrBadRequest(query), principal, cursor);
  }

  @Get('services')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Services seen in the window (for pickers)' })
  @ApiQuery(WINDOW_QUERIES[0])
  @ApiQuery(WINDOW_QUERIES[1])
  @ApiQuery(WINDOW_QUERIES[2])
  services(@Query() query: Record<string, unknown>) {
    return this.traces.services(filterOrBadRequest(query));
  }

  @Get('operations')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Root operations (root span names) seen in the window, of one service or all (for pickers)' })
  @ApiQuery({ name: 'service', required: false })
  operations(@Query() query: Record<string, unknown>) {
    return this.traces.operations(filterOrBadRequest(query));
  }

  @Get('stats')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Per operation (span name) of a service or all: count, error rate, p50/p95/p99 duration; per bucket if asked' })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'bucket', required: false, enum: ['minute', 'hour', 'day'] })
  stats(@Query() query: Record<string, unknown>) {
    const bucket = take(query, 'bucket');
    if (bucket !== undefined && bucket !== 'minute' && bucket !== 'hour' && bucket !== 'day')
      throw new BadRequestException({
        statusCode: 400,
        message: 'bucket must be minute, hour or day',
        errors: [{ field: 'bucket', reason: 'must be minute, hour or day' }],
      });
    return this.traces.stats(filterOrBadRequest(query), bucket as StatBucket | undefined);
  }

  @Get(':traceId')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({
    summary: 'A whole trace: its spans ordered by start, each with its events; with include=logs, its log records too',
    description: 'include=logs adds `logs`: the records of the logs database carrying this trace id, oldest first (at most 1000).',
  })
  @ApiParam({ name: 'traceId', description: '32 hexadecimal characters' })
  @ApiQuery({ name: 'include', required: false, enum: ['logs'] })
  trace(@CurrentPrincipal() principal: Principal, @Param('traceId') traceId: string, @Query('include') include?: unknown) {
    if (include !== undefined && include !== 'logs') throw badField('include', 'include must be logs');
    return include === 'logs' ? this.traces.traceWithLogs(traceId, principal) : this.traces.trace(traceId, principal);
  }
}
