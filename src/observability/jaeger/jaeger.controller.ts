import { Controller, Get, NotFoundException, Param, Query, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { badField } from '../../common/field-errors';
import { CurrentPrincipal, RequirePermission } from '../../auth/decorators';
import { PERMISSIONS } from '../../auth/permissions';
import { Principal } from '../../auth/principal';
import { badFilter, filterOrBadRequest, TRACE_ID, TraceQueryService } from '../query/trace-query.service';
import { FilterError, windowOf } from '../query/trace-filter';
import { HourlyFoldsService } from '../folds/hourly-folds.service';
import { TraceDetail } from '../query/trace-detail';
import { JaegerExceptionFilter } from './jaeger-exception.filter';
import { envelope, jaegerSpanKind, spanKindOf, toJaegerTrace } from './jaeger-model';
import { jaegerDependencyWindow, jaegerSearch, METADATA_LOOKBACK_MS } from './jaeger-params';

/** Parses with a Jaeger parameter parser: 400 listing every bad parameter. */
function params<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FilterError) throw badFilter(error);
    throw error;
  }
}

/** Services and operations: spans of the last day (Jaeger's clients send no window). */
const metadataWindow = () => filterOrBadRequest({ lookback: `${METADATA_LOOKBACK_MS / 3_600_000}h` });

/**
 * Jaeger's query API (`/api/*` of jaeger-query) under /jaeger, for Grafana's Jaeger data source
 * and the Jaeger UI: the same service methods, permissions and visibility as the trace API,
 * answers mapped to Jaeger's JSON model (jaeger-model.ts).
 */
@ApiTags('jaeger')
@Controller('jaeger/api')
@UseFilters(JaegerExceptionFilter)
export class JaegerController {
  constructor(
    private readonly traces: TraceQueryService,
    private readonly folds: HourlyFoldsService,
  ) {}

  @Get('services')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Jaeger: services with spans in the last day' })
  async services() {
    return envelope((await this.traces.services(metadataWindow())).services);
  }

  @Get('services/:service/operations')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: "Jaeger: span names of a service (the last day's spans)" })
  async serviceOperations(@Param('service') service: string) {
    const ops = await this.folds.operations(windowOf(metadataWindow()), service);
    return envelope([...new Set(ops.map((o) => o.name))]);
  }

  @Get('operations')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Jaeger: operations of a service with their span kind, of one kind when spanKind is given' })
  async operations(@Query('service') service: unknown, @Query('spanKind') spanKind: unknown) {
    if (typeof service !== 'string' || !service) throw badField('service', "parameter 'service' is required");
    const kind = spanKindOf(spanKind);
    if (kind === undefined) throw badField('spanKind', 'must be server, client, producer, consumer, internal or unspecified');
    const ops = await this.folds.operations(windowOf(metadataWindow()), service, kind ?? undefined);
    return envelope(ops.map((o) => ({ name: o.name, spanKind: jaegerSpanKind(o.kind) })));
  }

  @Get('traces')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({
    summary: 'Jaeger: search traces (whole traces, newest first)',
    description:
      'service (required), operation (a span name of the service), tags (JSON map or logfmt; error=true is the error status), ' +
      'minDuration/maxDuration (Go durations: 1.2s, 300ms), limit (default 100), start/end (µs), lookback; or traceID (repeatable).',
  })
  async search(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    const search = params(() => jaegerSearch(query));
    let found: TraceDetail[];
    if (search.filter) found = await this.traces.searchTraces(filterOrBadRequest(search.filter), principal);
    else {
      found = [];
      for (const id of search.traceIds.slice(0, search.limit))
        found.push(
          ...(await this.traces.trace(id, principal).then(
            (t) => [t],
            (e) => (e instanceof NotFoundException ? [] : Promise.reject(e)),
          )),
        );
    }
    return envelope(found.map(toJaegerTrace));
  }

  @Get('traces/:traceId')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Jaeger: one trace; 404 with errors [{ code: 404, msg: "trace not found" }] when missing or hidden' })
  async trace(@CurrentPrincipal() principal: Principal, @Param('traceId') traceId: string) {
    const id = /^[0-9a-fA-F]{1,31}$/.test(traceId) ? traceId.padStart(32, '0') : traceId;
    if (!TRACE_ID.test(id)) throw badField('traceID', 'must be up to 32 hexadecimal characters');
    try {
      return envelope([toJaegerTrace(await this.traces.trace(id, principal))]);
    } catch (error) {
      if (error instanceof NotFoundException) throw new NotFoundException('trace not found');
      throw error;
    }
  }

  @Get('dependencies')
  @RequirePermission(PERMISSIONS.tracesRead)
  @ApiOperation({ summary: 'Jaeger: the service graph (parent, child, callCount); endTs and lookback in milliseconds (default a week)' })
  async dependencies(@Query() query: Record<string, unknown>) {
    const edges = await this.folds.dependencies(params(() => jaegerDependencyWindow(query)));
    return envelope(edges.map((e) => ({ parent: e.parent, child: e.child, callCount: e.call_count })));
  }
}
