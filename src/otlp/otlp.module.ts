import { Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthModule } from '../auth/auth.module';
import { ObservabilityModule } from '../observability/observability.module';
import { SignalPipeline } from '../observability/signals/signal-pipeline';
import { OtlpGrpcReceiver } from './otlp-grpc.receiver';
import { OtlpHttpPort } from './otlp-http.port';
import { OtlpHttpReceiver } from './otlp-http.receiver';
import { OTLP_PIPELINES, otlpPipelinesProvider } from './otlp-pipelines';

/**
 * The OTLP receivers: gRPC (OTLP_GRPC_PORT), HTTP on OTLP_HTTP_PORT, and /v1/<signal> on the
 * API port, for every pipeline of otlp-pipelines.ts. The API port's routes are middleware of
 * this module: the receiver reads the body itself (protobuf or JSON, gzip) and answers in
 * OTLP's encodings, so neither the JSON body parser nor the exception filter take part.
 */
@Module({
  imports: [AuthModule, ObservabilityModule],
  providers: [otlpPipelinesProvider, OtlpHttpReceiver, OtlpHttpPort, OtlpGrpcReceiver],
  exports: [OtlpGrpcReceiver, OtlpHttpPort],
})
export class OtlpModule implements NestModule {
  constructor(
    private readonly receiver: OtlpHttpReceiver,
    @Inject(OTLP_PIPELINES) private readonly pipelines: SignalPipeline[],
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    for (const pipeline of this.pipelines) {
      consumer
        .apply((req: IncomingMessage, res: ServerResponse) => void this.receiver.handle(pipeline, req, res))
        .forRoutes({ path: `v1/${pipeline.signal}`, method: RequestMethod.ALL });
    }
  }
}
