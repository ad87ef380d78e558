import { Root, Type } from 'protobufjs';

/**
 * The error answer of both OTLP transports: a google.rpc.Status (the body of an OTLP/HTTP error
 * answer to a protobuf request; gRPC's grpc-status-details-bin), with a google.rpc.RetryInfo
 * detail when the client should retry after a delay. Defined here from the googleapis
 * definitions (google/rpc/status.proto, error_details.proto, google/protobuf/any.proto,
 * duration.proto), which the OTLP definitions do not carry. Export responses are the signals'
 * own (src/observability/otlp/otlp-decode.ts, otlpReply).
 */
const GOOGLE = Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            RetryInfo: { fields: { retry_delay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
      },
    },
  },
});
const StatusType: Type = GOOGLE.lookupType('google.rpc.Status');
const RetryInfoType: Type = GOOGLE.lookupType('google.rpc.RetryInfo');
export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** Longest error message sent back (the first problems are the useful ones). */
const MAX_MESSAGE = 2000;

/** A google.rpc.Status, with RetryInfo when `retryAfterSeconds` is given. */
export function encodeStatus(code: number, message: string, retryAfterSeconds: number | null = null): Buffer {
  const details =
    retryAfterSeconds === null
      ? []
      : [
          {
            type_url: RETRY_INFO_TYPE_URL,
            value: RetryInfoType.encode(RetryInfoType.fromObject({ retry_delay: { seconds: retryAfterSeconds, nanos: 0 } })).finish(),
          },
        ];
  return Buffer.from(StatusType.encode(StatusType.fromObject({ code, message: message.slice(0, MAX_MESSAGE), details })).finish());
}

export interface DecodedStatus {
  code: number;
  message: string;
  /** Seconds of RetryInfo.retry_delay, when there is one. */
  retryDelaySeconds: number | null;
}

/** Decodes a google.rpc.Status (tests, and whoever reads an error body). */
export function decodeStatus(bytes: Uint8Array): DecodedStatus {
  const status = StatusType.toObject(StatusType.decode(bytes), { longs: Number, defaults: true }) as {
    code: number;
    message: string;
    details: Array<{ type_url: string; value: Uint8Array }>;
  };
  const retry = status.details.find((d) => d.type_url === RETRY_INFO_TYPE_URL);
  const info = retry
    ? (RetryInfoType.toObject(RetryInfoType.decode(retry.value), { longs: Number }) as { retry_delay?: { seconds?: number } })
    : null;
  return { code: status.code, message: status.message, retryDelaySeconds: info ? (info.retry_delay?.seconds ?? 0) : null };
}
