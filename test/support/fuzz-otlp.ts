import { randomBytes } from 'node:crypto';
import { encodeSignalRequest, OtlpSignalName } from '../../src/observability/otlp/otlp-proto';
import { FuzzCase, Operation } from './fuzz-cases';

/**
 * OTLP number bounds and attribute keys, in both encodings, for every OTLP/HTTP receiver the
 * app serves (`POST /v1/<signal>`): nanoseconds past what fixed64 holds (1e300, 2^64) are a
 * 400 naming the field in OTLP/JSON as protobuf cannot carry them; an empty attribute key is
 * a 400 in both. Pure: the spec sends them.
 */

type Over = { time: unknown; attributes: Array<{ key: string; value: { stringValue: string } }> };

const GOOD_ATTRIBUTES = [{ key: 'k', value: { stringValue: 'v' } }];

/** One item of the signal with its time and attributes, ids as the encoding wants them. */
function message(signal: OtlpSignalName, o: Over, hexIds: boolean): unknown {
  const id = (bytes: number) => (hexIds ? randomBytes(bytes).toString('hex') : randomBytes(bytes));
  if (signal === 'traces')
    return {
      resourceSpans: [
        {
          scopeSpans: [{ spans: [{ traceId: id(16), spanId: id(8), name: 'fuzz', startTimeUnixNano: o.time, attributes: o.attributes }] }],
        },
      ],
    };
  if (signal === 'logs')
    return {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: o.time, body: { stringValue: 'fuzz' }, attributes: o.attributes }] }] }],
    };
  return {
    resourceMetrics: [
      {
        scopeMetrics: [
          { metrics: [{ name: 'fuzz', gauge: { dataPoints: [{ timeUnixNano: o.time, asDouble: 1, attributes: o.attributes }] } }] },
        ],
      },
    ],
  };
}

export function otlpCases(op: Operation): FuzzCase[] {
  const signal = /^\/v1\/(traces|metrics|logs)$/.exec(op.template)?.[1] as OtlpSignalName | undefined;
  if (op.method !== 'POST' || !signal) return [];
  const name = `${op.method} ${op.template}`;
  const now = (BigInt(Date.now()) * 1_000_000n).toString();
  const cases: FuzzCase[] = [];
  const json = (note: string, o: Over, expect?: number[]) =>
    cases.push({
      operation: name,
      kind: 'OTLP bounds',
      method: 'POST',
      path: op.template,
      note: `JSON ${note}`,
      body: JSON.stringify(message(signal, o, true)),
      contentType: 'application/json',
      expect,
    });
  const proto = (note: string, o: Over, expect?: number[]) =>
    cases.push({
      operation: name,
      kind: 'OTLP bounds',
      method: 'POST',
      path: op.template,
      note: `protobuf ${note}`,
      body: encodeSignalRequest(signal, message(signal, o, false)),
      contentType: 'application/x-protobuf',
      expect,
    });
  for (const time of [1e300, 2 ** 64, '18446744073709551616', '1e300', -1])
    json(`time ${time}`, { time, attributes: GOOD_ATTRIBUTES }, [400]);
  // The largest fixed64 (year 2554) fits a timestamptz: stored or refused as out of window, never a 500.
  json('time 2^64-1', { time: '18446744073709551615', attributes: GOOD_ATTRIBUTES });
  proto('time 2^63', { time: 2 ** 63, attributes: GOOD_ATTRIBUTES });
  json('empty attribute key', { time: now, attributes: [{ key: '', value: { stringValue: 'x' } }] }, [400]);
  proto('empty attribute key', { time: Number(now), attributes: [{ key: '', value: { stringValue: 'x' } }] }, [400]);
  return cases;
}
