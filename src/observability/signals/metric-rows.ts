import { canonicalJson, nameUuid } from '../../common/ids';
import { JsonText } from '../../writer/copy-encoding';
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
  return seriesPrefix(p, resourceKey) + canonicalJson(p.attributes) + ']';
}

/**
 * The series key up to the point's own attributes, shared by every point of a metric: the
 * same text as canonicalJson of the whole tuple (so the same series ids as ever), computed
 * once per metric instead of once per point.
 */
function seriesPrefix(p: MetricPointIn, resourceKey: string): string {
  return `[${[p.name, p.type, p.unit, p.temporality, resourceKey, p.scopeName, p.scopeVersion].map(canonicalJson).join(',')},`;
}

const sameSeriesHead = (a: MetricPointIn, b: MetricPointIn) =>
  a.name === b.name &&
  a.type === b.type &&
  a.unit === b.unit &&
  a.temporality === b.temporality &&
  a.resourceAttributes === b.resourceAttributes &&
  a.scopeName === b.scopeName &&
  a.scopeVersion === b.scopeVersion;

/** Series ids by key: a series comes back at every export interval. Bounded; emptied when full. */
const seriesIds = new Map<string, string>();
const MAX_CACHED_SERIES = 100_000;

function seriesIdOf(key: string): string {
  let id = seriesIds.get(key);
  if (id === undefined) {
    if (seriesIds.size >= MAX_CACHED_SERIES) seriesIds.clear();
    seriesIds.set(key, (id = nameUuid(key)));
  }
  return id;
}

export function metricRow(
  p: MetricPointIn,
  resourceJson?: JsonText,
  prefix = seriesPrefix(p, canonicalJson(p.resourceAttributes)),
): Record<string, unknown> {
  const seriesId = seriesIdOf(prefix + canonicalJson(p.attributes) + ']');
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
    resource_attributes: resourceJson ?? p.resourceAttributes,
  };
}

/** Rows for every point; the resource's key and JSON once per resource, the series key's head once per metric. */
export function metricRows(points: readonly MetricPointIn[]): Record<string, unknown>[] {
  const resources = new Map<Record<string, unknown>, { key: string; json: JsonText }>();
  let previous: MetricPointIn | undefined;
  let prefix = '';
  return points.map((p) => {
    let resource = resources.get(p.resourceAttributes);
    if (resource === undefined) {
      resource = { key: canonicalJson(p.resourceAttributes), json: new JsonText(JSON.stringify(p.resourceAttributes)) };
      resources.set(p.resourceAttributes, resource);
    }
    if (previous === undefined || !sameSeriesHead(previous, p)) prefix = seriesPrefix(p, resource.key);
    previous = p;
    return metricRow(p, resource.json, prefix);
  });
}
