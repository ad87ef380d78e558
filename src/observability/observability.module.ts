import { Module } from '@nestjs/common';
import { OtlpTraceController } from './ingest/otlp-trace.controller';
import { TraceIngestService } from './ingest/trace-ingest.service';
import { TraceQueryController } from './query/trace-query.controller';
import { TraceQueryService } from './query/trace-query.service';

/** Traces: the OTLP receiver, queries and saved queries (the role itself: observability.role.ts). */
@Module({
  controllers: [OtlpTraceController, TraceQueryController],
  providers: [TraceIngestService, TraceQueryService],
  exports: [TraceIngestService],
})
export class ObservabilityModule {}
