import type { OpenAPIObject } from '@nestjs/swagger';
import { grpcServiceOf, requestNameOf } from '../observability/otlp/otlp-proto';
import { SignalPipeline } from '../observability/signals/signal-pipeline';

/**
 * The OTLP/HTTP routes in the OpenAPI document: they are middleware of OtlpModule (the receiver
 * reads the body itself), so no controller describes them.
 */
export function addOtlpPaths(document: OpenAPIObject, pipelines: readonly SignalPipeline[]): void {
  for (const pipeline of pipelines) {
    const request = requestNameOf(pipeline.signal);
    document.paths[`/v1/${pipeline.signal}`] = {
      post: {
        tags: ['otlp'],
        summary: `OTLP/HTTP ${pipeline.signal} export (${request}), protobuf or JSON, optionally gzip; also on OTLP_HTTP_PORT, and over gRPC as ${grpcServiceOf(pipeline.signal)}/Export`,
        description:
          `Needs ${pipeline.permission}. Answers the service response in the request's encoding; partial_success counts items that could not be stored. ` +
          'Errors: a google.rpc.Status for protobuf requests, JSON otherwise. 400 malformed body, 413 too large (after inflating too), ' +
          '415 unknown content type or encoding, 429/503 with Retry-After when the buffers are full.',
        requestBody: {
          required: true,
          content: {
            'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
            // OTLP/JSON (the protobuf JSON mapping): unknown fields are ignored, as protobuf's are.
            'application/json': {},
          },
        },
        responses: { '200': { description: 'stored (or partially: see partialSuccess)' } },
      },
    };
  }
}
