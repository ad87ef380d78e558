import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequirePermission } from '../../auth/decorators';
import { PERMISSIONS } from '../../auth/permissions';
import { InjectSettings, TracesSettings } from '../../config/settings';
import { OtlpReply } from '../otlp/otlp-decode';
import { LogIngestService } from './log-ingest.service';
import { MetricIngestService } from './metric-ingest.service';
import { receiveOverHttp } from './signal-pipeline';

const ERRORS =
  '400 malformed body (naming the field), 413 too large (after inflating too) or too many items, 415 unknown content type or encoding, ' +
  '429/503 with Retry-After when the buffers are full.';

function send(res: ServerResponse, reply: OtlpReply): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', reply.contentType);
  res.end(reply.body);
}

/** OTLP/HTTP metrics (the protocol's standard path, outside /api/v1). */
@ApiTags('otel metrics')
@Controller('v1/metrics')
export class OtlpMetricsController {
  constructor(
    private readonly metrics: MetricIngestService,
    @InjectSettings('traces') private readonly settings: TracesSettings,
  ) {}

  @Post()
  @RequirePermission(PERMISSIONS.tracesWrite)
  @ApiOperation({
    summary: 'OTLP/HTTP metrics export (ExportMetricsServiceRequest), protobuf or JSON, optionally gzip',
    description: `Answers an ExportMetricsServiceResponse in the request content type; partial_success counts data points that could not be stored. ${ERRORS}`,
  })
  @ApiConsumes('application/x-protobuf', 'application/json')
  @ApiResponse({ status: 200, description: 'stored (or partially: see partialSuccess)' })
  async export(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    send(res, await receiveOverHttp(req, this.metrics, this.settings));
  }
}

/** OTLP/HTTP logs, into the logs role's structured_log_entries. */
@ApiTags('audit and logs')
@Controller('v1/logs')
export class OtlpLogsController {
  constructor(
    private readonly logs: LogIngestService,
    @InjectSettings('traces') private readonly settings: TracesSettings,
  ) {}

  @Post()
  @RequirePermission(PERMISSIONS.tracesWrite)
  @ApiOperation({
    summary: 'OTLP/HTTP logs export (ExportLogsServiceRequest), protobuf or JSON, optionally gzip',
    description: `Answers an ExportLogsServiceResponse in the request content type; partial_success counts log records that could not be stored. ${ERRORS}`,
  })
  @ApiConsumes('application/x-protobuf', 'application/json')
  @ApiResponse({ status: 200, description: 'stored (or partially: see partialSuccess)' })
  async export(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    send(res, await receiveOverHttp(req, this.logs, this.settings));
  }
}
