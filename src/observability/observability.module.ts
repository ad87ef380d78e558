import { Module } from '@nestjs/common';
import { TraceIngestService } from './ingest/trace-ingest.service';
import { TraceQueryController } from './query/trace-query.controller';
import { TraceQueryService } from './query/trace-query.service';
import { SavedQueryController } from './saved-queries/saved-query.controller';
import { SavedQueryService } from './saved-queries/saved-query.service';

/** Traces: their OTLP pipeline (served by src/otlp/), queries and saved queries (the role itself: observability.role.ts). */
@Module({
  // Saved queries first: /api/v1/traces/saved-queries must not be taken for a trace id.
  controllers: [SavedQueryController, TraceQueryController],
  providers: [TraceIngestService, TraceQueryService, SavedQueryService],
  exports: [TraceIngestService],
})
export class ObservabilityModule {}
