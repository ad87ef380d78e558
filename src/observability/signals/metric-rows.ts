import { canonicalJson, nameUuid } from '../../common/ids';
import { timestampOf } from '../ingest/span-rows';
import { MetricPointIn } from '../otlp/otlp-metrics-request';

/**
 * OTLP data points as rows of observability_metrics (layout: migration 1796060000000). A
 * series is what OTLP calls a timeseries: name, type, unit, resource, scope and point
 * attributes; its points share `series_id`. A point's id is its series and its times, so a
 * resent batch maps to the same primary keys and is stored once.
 */

/** The identity of a point's series, as one hashable text (resource and scope keys sorted). */
export function seriesKey(p: MetricPointIn, resourceKey = canonicalJson(p.resourceAttributes)): string {
  return canonicalJson([p.name, p.type, p.unit, p.temporality, resourceKey, p.scopeName, p.scopeVersion, p.attributes]);
}

export function metricRow(p: MetricPointIn, resourceKey?: string): Record<string, unknown> {
  const seriesId = nameUuid(seriesKey(p, resourceKey));
  const traced = p.exemplars.find((e) => e.traceId);
  return {
    id: nameUuid(`${seriesId}/${p.timeNanos}/${p.startNanos ?? 0}`),
    timestamp: timestampOf(p.timeNanos),
    series_id: seriesId,
    name: p.name,
    metric_type: p.type,
    description: p.description,
    unit: p.unit,
    value: p.value,
    start_timestamp: p.startNanos === null ? null : timestampOf(p.startNanos),
    temporality: p.temporality,
    is_monotonic: p.monotonic,
    count: p.count,
    sum: p.sum,
    min: p.min,
    max: p.max,
    distribution: p.distribution,
    exemplars: p.exemplars.length
      ? p.exemplars.map((e) => ({
          time: e.time === 0n ? null : timestampOf(e.time),
          value: e.value,
          trace_id: e.traceId,
          span_id: e.spanId,
          attributes: e.attributes,
        }))
      : null,
    trace_id: traced?.traceId ?? null,
    flags: p.flags,
    attributes: p.attributes,
    service: p.service,
    scope_name: p.scopeName,
    scope_version: p.scopeVersion,
    resource_attributes: p.resourceAttributes,
  };
}

/** Rows for every point; the resource's key is computed once per resource. */
export function metricRows(points: readonly MetricPointIn[]): Record<string, unknown>[] {
  const keys = new Map<Record<string, unknown>, string>();
  return points.map((p) => {
    let key = keys.get(p.resourceAttributes);
    if (key === undefined) keys.set(p.resourceAttributes, (key = canonicalJson(p.resourceAttributes)));
    return metricRow(p, key);
  });
}
