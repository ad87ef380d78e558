import { nameUuid } from '../../common/ids';
import { DAY_MS } from '../../common/time';
import { executionId, Execution, MAX_ERROR_MESSAGE, MAX_FUTURE_MS } from '../ingest/execution-batch';
import { SpanMapping, SpanProfile } from './span-profiles';

/** What the derivation reads of a span (src/observability/otlp/otlp-request.ts SpanRecord has it all). */
export interface SpanFacts {
  traceId: string;
  spanId: string;
  name: string;
  kind: string;
  startNanos: bigint;
  endNanos: bigint;
  status: string;
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  events: ReadonlyArray<{ name: string; attributes: Record<string, unknown> }>;
}

/** The bounds of the metrics ingest API, applied to derived rows too (a span outside them adds no row). */
export interface DeriveLimits {
  retentionDays: number;
  maxResponseTimeSeconds: number;
}

const MAX_ID = 36;
const MAX_NAME = 255;
const MAX_TYPE = 255;
const MAX_INTERACTION = 50;
const NS_PER_MS = 1_000_000n;

/** Mappings of the enabled profiles, looked up by span name or tried by attribute, in profile order. */
export class SpanMatcher {
  private readonly byName = new Map<string, Array<{ order: number; mapping: SpanMapping }>>();
  private readonly byAttribute: Array<{ order: number; mapping: SpanMapping }> = [];

  constructor(profiles: readonly SpanProfile[]) {
    let order = 0;
    for (const profile of profiles) {
      for (const mapping of profile.mappings) {
        const entry = { order: order++, mapping };
        if (mapping.match.name !== undefined) {
          const list = this.byName.get(mapping.match.name) ?? [];
          list.push(entry);
          this.byName.set(mapping.match.name, list);
        } else this.byAttribute.push(entry);
      }
    }
  }

  /** The first mapping (in profile order) that matches the span, or null. */
  match(span: SpanFacts): SpanMapping | null {
    let best: { order: number; mapping: SpanMapping } | null = null;
    for (const entry of this.byName.get(span.name) ?? []) {
      if (matches(entry.mapping, span)) {
        best = entry;
        break;
      }
    }
    for (const entry of this.byAttribute) {
      if (best && entry.order > best.order) break;
      if (matches(entry.mapping, span)) {
        best = entry;
        break;
      }
    }
    return best?.mapping ?? null;
  }
}

function matches(mapping: SpanMapping, span: SpanFacts): boolean {
  const { name, attribute, kinds } = mapping.match;
  if (name !== undefined && span.name !== name) return false;
  if (attribute && span.attributes[attribute.key] !== attribute.equals) return false;
  return !kinds || kinds.includes(span.kind);
}

/** The first attribute of the list with a non-empty value, as text. */
function firstText(attributes: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const v = attributes[key];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  }
  return null;
}

const isFalse = (v: unknown) => v === false || v === 'false';

/** The `exception` event of the span, if any (its type and message stand in for missing attributes). */
const exceptionOf = (span: SpanFacts) => span.events.find((e) => e.name === 'exception')?.attributes;

/**
 * An id that fits `{entity}_id` (36 characters): the sent one, or for a longer one (a
 * resource URI used as its id) a name-based UUID of it, the same every time.
 */
const entityIdOf = (id: string) => (id.length <= MAX_ID ? id : nameUuid('entity', id));

/**
 * The execution rows a batch of spans describes, pure: at most one row per span for its
 * entity, one more for the virtual server it names. Ids come from (trace id, span id, entity
 * type), so the same span always gives the same rows. A span whose mapping finds no id and
 * no name, or whose time or duration the metrics tables would refuse, gives none.
 */
export function executionsOfSpans(spans: readonly SpanFacts[], matcher: SpanMatcher, limits: DeriveLimits, now: number): Execution[] {
  const out: Execution[] = [];
  const earliest = now - limits.retentionDays * DAY_MS;
  const latest = now + MAX_FUTURE_MS;
  for (const span of spans) {
    const mapping = matcher.match(span);
    if (!mapping) continue;
    const a = span.attributes;
    const name = firstText(a, mapping.name);
    const id = firstText(a, mapping.id) ?? name;
    if (id === null) continue;
    const at = Number(span.startNanos / NS_PER_MS);
    const responseTime = Number(span.endNanos - span.startNanos) / 1e9;
    if (at < earliest || at > latest || responseTime > limits.maxResponseTimeSeconds) continue;
    const exception = exceptionOf(span);
    const errorType = firstText(a, mapping.errorType);
    const failed = span.status === 'error' || errorType !== null || mapping.success.some((k) => isFalse(a[k]));
    const errorMessage = failed
      ? (firstText(a, mapping.errorMessage) ?? span.statusMessage ?? firstText(exception ?? {}, ['exception.message']))
      : null;
    const execution: Execution = {
      id: executionId(span.traceId, span.spanId, mapping.entity),
      entityType: mapping.entity,
      entityId: entityIdOf(id),
      name: name?.slice(0, MAX_NAME) ?? null,
      timestamp: new Date(at),
      responseTime,
      isSuccess: !failed,
      errorMessage: errorMessage?.slice(0, MAX_ERROR_MESSAGE) ?? null,
      errorType: failed ? ((errorType ?? firstText(exception ?? {}, ['exception.type']))?.slice(0, MAX_TYPE) ?? null) : null,
      interactionType: (mapping.interactionType && firstText(a, mapping.interactionType)?.slice(0, MAX_INTERACTION)) || 'invoke',
      traceId: span.traceId,
      sessionId: (mapping.session && firstText(a, mapping.session)?.slice(0, MAX_NAME)) || null,
    };
    out.push(execution);
    const server = mapping.server ? firstText(a, mapping.server) : null;
    if (server !== null && mapping.entity !== 'server') {
      out.push({
        ...execution,
        id: executionId(span.traceId, span.spanId, 'server'),
        entityType: 'server',
        entityId: entityIdOf(server),
        name: null,
        interactionType: 'invoke',
      });
    }
  }
  return out;
}
