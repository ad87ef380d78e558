import { keyValues, OtlpFormatError, OtlpReader, OtlpTooManyItems, otlpCount, otlpDouble, otlpInt32 } from './otlp-values';

/**
 * An ExportMetricsServiceRequest turned into data points, one per point of any of the five
 * OTLP metric types, as otlp-request.ts does for spans: a malformed message throws
 * OtlpFormatError (400, nothing written); a well-formed point that cannot be stored (no time,
 * outside retention, buckets that do not match their bounds, no temporality) is rejected alone
 * and counted in partial_success.
 */

export const METRIC_TYPES = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];
const FIELDS: Record<MetricType, string> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
};
const TEMPORALITY_ENUM = ['AGGREGATION_TEMPORALITY_UNSPECIFIED', 'AGGREGATION_TEMPORALITY_DELTA', 'AGGREGATION_TEMPORALITY_CUMULATIVE'];
const TEMPORALITIES = [null, 'delta', 'cumulative'] as const;
/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks a gap, it has no value. */
const NO_RECORDED_VALUE = 1;

export interface ExemplarIn {
  time: bigint;
  value: number | null;
  traceId: string | null;
  spanId: string | null;
  attributes: Record<string, unknown>;
}

export interface MetricPointIn {
  name: string;
  description: string | null;
  unit: string | null;
  type: MetricType;
  temporality: 'delta' | 'cumulative' | null;
  monotonic: boolean | null;
  timeNanos: bigint;
  startNanos: bigint | null;
  attributes: Record<string, unknown>;
  flags: number;
  /** Gauges and sums. */
  value: number | null;
  /** Distributions (histograms, exponential histograms, summaries). */
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  distribution: Record<string, unknown> | null;
  exemplars: ExemplarIn[];
  resourceAttributes: Record<string, unknown>;
  service: string | null;
  scopeName: string | null;
  scopeVersion: string | null;
}

export interface MetricReadOptions {
  oldestMs: number;
  newestMs: number;
  maxPoints: number;
}

export interface MetricReadResult {
  points: MetricPointIn[];
  rejected: number;
  reasons: string[];
}

const MAX_REASONS = 5;
const NS_PER_MS = 1_000_000n;

type Scope = Pick<MetricPointIn, 'resourceAttributes' | 'service' | 'scopeName' | 'scopeVersion'>;
type MetricHead = Pick<MetricPointIn, 'name' | 'description' | 'unit' | 'type' | 'temporality' | 'monotonic'>;

export function readMetricsRequest(reader: OtlpReader, body: unknown, options: MetricReadOptions): MetricReadResult {
  const request = reader.message(body, '(body)');
  const result: MetricReadResult = { points: [], rejected: 0, reasons: [] };
  let total = 0;
  const reject = (path: string, reason: string) => {
    result.rejected++;
    if (result.reasons.length < MAX_REASONS) result.reasons.push(`${path}: ${reason}`);
  };
  const resourceMetrics = reader.list(request?.resourceMetrics, 'resourceMetrics');
  for (let r = 0; r < resourceMetrics.length; r++) {
    const rPath = `resourceMetrics[${r}]`;
    const rm = reader.message(resourceMetrics[r], rPath);
    const resource = reader.message(rm?.resource, `${rPath}.resource`);
    const resourceAttributes = keyValues(reader, resource?.attributes, `${rPath}.resource.attributes`);
    const serviceName = resourceAttributes['service.name'];
    const service = typeof serviceName === 'string' && serviceName !== '' ? serviceName.slice(0, 255) : null;
    const scopeMetrics = reader.list(rm?.scopeMetrics, `${rPath}.scopeMetrics`);
    for (let s = 0; s < scopeMetrics.length; s++) {
      const sPath = `${rPath}.scopeMetrics[${s}]`;
      const sm = reader.message(scopeMetrics[s], sPath);
      const scope = reader.message(sm?.scope, `${sPath}.scope`);
      const ctx: Scope = {
        resourceAttributes,
        service,
        scopeName: reader.string(scope?.name, `${sPath}.scope.name`)?.slice(0, 255) || null,
        scopeVersion: reader.string(scope?.version, `${sPath}.scope.version`)?.slice(0, 255) || null,
      };
      const metrics = reader.list(sm?.metrics, `${sPath}.metrics`);
      for (let m = 0; m < metrics.length; m++) {
        const mPath = `${sPath}.metrics[${m}]`;
        const metric = reader.message(metrics[m], mPath) ?? {};
        const type = METRIC_TYPES.find((t) => metric[FIELDS[t]] !== null && metric[FIELDS[t]] !== undefined);
        if (!type) continue; // a metric without data has no point to store
        const dPath = `${mPath}.${FIELDS[type]}`;
        const data = reader.message(metric[FIELDS[type]], dPath) ?? {};
        const temporality =
          TEMPORALITIES[reader.enumValue(data.aggregationTemporality, TEMPORALITY_ENUM, `${dPath}.aggregationTemporality`)];
        const head: MetricHead = {
          name: (reader.string(metric.name, `${mPath}.name`) ?? '').slice(0, 255),
          description: reader.string(metric.description, `${mPath}.description`) || null,
          unit: reader.string(metric.unit, `${mPath}.unit`)?.slice(0, 50) || null,
          type,
          temporality: temporality ?? null,
          monotonic: type === 'sum' ? boolean(data.isMonotonic, `${dPath}.isMonotonic`) : null,
        };
        const points = reader.list(data.dataPoints, `${dPath}.dataPoints`);
        total += points.length;
        if (total > options.maxPoints) throw new OtlpTooManyItems(options.maxPoints, 'data points', 'OTLP_MAX_DATA_POINTS_PER_REQUEST');
        for (let i = 0; i < points.length; i++) {
          const path = `${dPath}.dataPoints[${i}]`;
          const outcome = readPoint(reader, points[i], path, head, ctx, options);
          if (typeof outcome === 'string') reject(path, outcome);
          else result.points.push(outcome);
        }
      }
    }
  }
  return result;
}

function boolean(value: unknown, path: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'boolean') throw new OtlpFormatError(path, 'must be a boolean');
  return value;
}

/** A NumberDataPoint's or an Exemplar's value (as_double or as_int). */
function numberValue(reader: OtlpReader, p: Record<string, unknown>, path: string): number | null {
  const double = otlpDouble(p.asDouble, `${path}.asDouble`);
  if (double !== null) return double;
  if (p.asInt === null || p.asInt === undefined) return null;
  return Number(reader.int(p.asInt, `${path}.asInt`));
}

const counts = (reader: OtlpReader, raw: unknown, path: string): number[] =>
  reader.list(raw, path).map((c, i) => otlpCount(reader, c, `${path}[${i}]`));

function buckets(reader: OtlpReader, raw: unknown, path: string): { offset: number; counts: number[] } {
  const b = reader.message(raw, path);
  return { offset: otlpInt32(b?.offset, `${path}.offset`), counts: counts(reader, b?.bucketCounts, `${path}.bucketCounts`) };
}

function readPoint(
  reader: OtlpReader,
  raw: unknown,
  path: string,
  head: MetricHead,
  ctx: Scope,
  options: MetricReadOptions,
): MetricPointIn | string {
  const p = reader.message(raw, path) ?? {};
  const timeNanos = reader.nanos(p.timeUnixNano, `${path}.timeUnixNano`);
  const startNanos = reader.nanos(p.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const flags = otlpInt32(p.flags, `${path}.flags`);
  // One object literal of a fixed shape per point (spreading three objects cost more than reading the point).
  const fields: MetricPointIn = {
    name: head.name,
    description: head.description,
    unit: head.unit,
    type: head.type,
    temporality: head.temporality,
    monotonic: head.monotonic,
    resourceAttributes: ctx.resourceAttributes,
    service: ctx.service,
    scopeName: ctx.scopeName,
    scopeVersion: ctx.scopeVersion,
    timeNanos,
    startNanos: startNanos || null,
    attributes: keyValues(reader, p.attributes, `${path}.attributes`),
    flags,
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    distribution: null,
    exemplars: reader.list(p.exemplars, `${path}.exemplars`).map((e, i) => exemplar(reader, e, `${path}.exemplars[${i}]`)),
  };
  if (head.type === 'gauge' || head.type === 'sum') fields.value = numberValue(reader, p, path);
  else {
    fields.count = otlpCount(reader, p.count, `${path}.count`);
    fields.sum = otlpDouble(p.sum, `${path}.sum`);
    if (head.type !== 'summary') {
      fields.min = otlpDouble(p.min, `${path}.min`);
      fields.max = otlpDouble(p.max, `${path}.max`);
    }
  }
  if (head.type === 'histogram') {
    const bounds = reader.list(p.explicitBounds, `${path}.explicitBounds`).map((b, i) => otlpDouble(b, `${path}.explicitBounds[${i}]`)!);
    const bucketCounts = counts(reader, p.bucketCounts, `${path}.bucketCounts`);
    if (bucketCounts.length > 0 && bucketCounts.length !== bounds.length + 1)
      return `bucketCounts has ${bucketCounts.length} buckets for ${bounds.length} explicitBounds (must be one more)`;
    if (bounds.some((b, i) => i > 0 && !(b > bounds[i - 1]))) return 'explicitBounds must increase';
    fields.distribution = { bounds, counts: bucketCounts };
  } else if (head.type === 'exponential_histogram') {
    const scale = otlpInt32(p.scale, `${path}.scale`);
    if (scale < -10 || scale > 20) return `scale ${scale} is outside -10 to 20`;
    fields.distribution = {
      scale,
      zero_count: otlpCount(reader, p.zeroCount, `${path}.zeroCount`),
      zero_threshold: otlpDouble(p.zeroThreshold, `${path}.zeroThreshold`) ?? 0,
      positive: buckets(reader, p.positive, `${path}.positive`),
      negative: buckets(reader, p.negative, `${path}.negative`),
    };
  } else if (head.type === 'summary') {
    const quantiles = reader.list(p.quantileValues, `${path}.quantileValues`).map((raw, i) => {
      const q = reader.message(raw, `${path}.quantileValues[${i}]`);
      return [
        otlpDouble(q?.quantile, `${path}.quantileValues[${i}].quantile`) ?? 0,
        otlpDouble(q?.value, `${path}.quantileValues[${i}].value`) ?? 0,
      ];
    });
    fields.distribution = { quantiles };
  }
  if (flags & NO_RECORDED_VALUE) fields.value = null;
  if (head.name === '') return 'the metric has no name';
  if ((head.type === 'sum' || head.type === 'histogram' || head.type === 'exponential_histogram') && !head.temporality)
    return 'aggregationTemporality is unspecified';
  if (timeNanos === 0n) return 'timeUnixNano is missing';
  if (startNanos > timeNanos) return 'startTimeUnixNano is after timeUnixNano';
  const ms = Number(timeNanos / NS_PER_MS);
  if (ms < options.oldestMs) return 'is older than the retention window (OBSERVABILITY_RETENTION_DAYS)';
  if (ms > options.newestMs) return 'is more than an hour in the future';
  return fields;
}

function exemplar(reader: OtlpReader, raw: unknown, path: string): ExemplarIn {
  const e = reader.message(raw, path) ?? {};
  return {
    time: reader.nanos(e.timeUnixNano, `${path}.timeUnixNano`),
    value: numberValue(reader, e, path),
    traceId: reader.id(e.traceId, 16, `${path}.traceId`),
    spanId: reader.id(e.spanId, 8, `${path}.spanId`),
    attributes: keyValues(reader, e.filteredAttributes, `${path}.filteredAttributes`),
  };
}
