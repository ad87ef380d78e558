import { Client, credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import { decodeStatus } from '../../src/otlp/otlp-wire';

export interface GrpcAnswer {
  /** 0 (OK) or the gRPC status code. */
  code: number;
  details: string;
  /** The ExportTraceServiceResponse bytes, on success. */
  response: Buffer | null;
  /** Seconds of the google.rpc.RetryInfo in grpc-status-details-bin, if any. */
  retryDelaySeconds: number | null;
}

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const raw = (bytes: Buffer) => bytes;

/**
 * Sends `body` as is (any bytes, valid or not) to a collector service's Export method over
 * plaintext gRPC (or TLS with `ca`), as a raw client would: for the refusals the official exporters never provoke.
 */
export function grpcExport(
  port: number,
  body: Buffer,
  options: { token?: string | null; gzip?: boolean; method?: string; /** TLS, trusting this CA (PEM). */ ca?: Buffer } = {},
): Promise<GrpcAnswer> {
  const client = new Client(
    `127.0.0.1:${port}`,
    options.ca ? credentials.createSsl(options.ca) : credentials.createInsecure(),
    options.gzip ? { 'grpc.default_compression_algorithm': 2, 'grpc.max_send_message_length': -1 } : {},
  );
  const metadata = new Metadata();
  if (options.token) metadata.set('authorization', `Bearer ${options.token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(options.method ?? TRACE_EXPORT, raw, raw, body, metadata, (error: ServiceError | null, response?: Buffer) => {
      client.close();
      if (!error) return resolve({ code: 0, details: '', response: response ?? null, retryDelaySeconds: null });
      const detail = error.metadata?.get('grpc-status-details-bin')[0];
      resolve({
        code: error.code,
        details: error.details,
        response: null,
        retryDelaySeconds: Buffer.isBuffer(detail) ? decodeStatus(detail).retryDelaySeconds : null,
      });
    });
  });
}
