import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequirePermission } from '../../auth/decorators';
import { PERMISSIONS } from '../../auth/permissions';
import { TraceIngestService } from './trace-ingest.service';

/** OTLP/HTTP traces (the OpenTelemetry protocol's standard path, outside /api/v1). */
@ApiTags('traces')
@Controller('v1/traces')
export class OtlpTraceController {
  constructor(private readonly ingest: TraceIngestService) {}

  @Post()
  @RequirePermission(PERMISSIONS.tracesWrite)
  @ApiOperation({
    summary: 'OTLP/HTTP trace export (ExportTraceServiceRequest), protobuf or JSON, optionally gzip',
    description:
      'Answers an ExportTraceServiceResponse in the request content type; partial_success counts spans that could not be stored. ' +
      '400 malformed body, 413 too large (after inflating too), 415 unknown content type or encoding, 429/503 with Retry-After when the buffers are full.',
  })
  @ApiConsumes('application/x-protobuf', 'application/json')
  @ApiResponse({ status: 200, description: 'stored (or partially: see partialSuccess)' })
  async export(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    const reply = await this.ingest.receive(req);
    res.statusCode = 200;
    res.setHeader('Content-Type', reply.contentType);
    res.end(reply.body);
  }
}
