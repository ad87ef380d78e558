import { BadRequestException, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { DATE_TIME_RULE } from '../common/dto-transforms';
import { badField } from '../common/field-errors';
import { DAY_MS, isSupportedTime, parseDecimalInt, parseIsoDateTime } from '../common/time';
import { Principal, RequestMeta } from '../auth/principal';
import { ENTITY_TYPES, metricTableByPath, MetricTable } from './metric-tables';
import type { MetricsAccessService } from './query/metrics-access.service';

/** Query parameters of the metrics read routes (metrics.controller.ts, analytics/analytics.controller.ts), one home. */

export const isoDate = z
  .string()
  .transform((v, ctx) => parseIsoDateTime(v) ?? (ctx.addIssue({ code: z.ZodIssueCode.custom, message: DATE_TIME_RULE }), z.NEVER))
  .optional();
/** A query parameter in decimal digits (`0x10` and `1e1` are not 16 and 10 here). */
export const decimal = z
  .string()
  .transform((v, ctx) => parseDecimalInt(v) ?? (ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a whole number' }), z.NEVER));
export const exact = z
  .enum(['true', 'false'], { message: 'must be true or false' })
  .transform((v) => v === 'true')
  .optional();
// Strict: an unknown parameter is refused naming it, as the registry's DTOs and the trace filter do.
export const range = z.object({ from: isoDate, to: isoDate, exact }).strict();
export const timeseriesQuery = range.extend({ bucket: z.enum(['hour', 'day']).default('hour') });
export const topQuery = range.extend({
  entity_type: z.enum(ENTITY_TYPES),
  by: z.enum(['count', 'p99', 'failure_rate']).default('count'),
  limit: decimal.pipe(z.number().min(1).max(100)).default('10'),
});
/** Parses query or body parameters; a bad one answers 400 naming it, and so does an unknown one (objects are strict). */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.output<T> {
  const strict = schema instanceof z.ZodObject ? (schema.strict() as unknown as T) : schema;
  const result = strict.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'invalid parameters',
    errors: result.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((key) => ({ field: [...i.path, key].join('.'), reason: `${key} should not exist` }))
        : [{ field: i.path.join('.') || '(body)', reason: i.message }],
    ),
  });
}

/** Default window: the last 24 hours. */
export function window(from: Date | undefined, to: Date | undefined): { from: Date; to: Date } {
  const end = to ?? new Date();
  const start = from ?? new Date(end.getTime() - DAY_MS);
  if (!isSupportedTime(start)) throw badField('from', '`from` (default `to` minus 24 hours) must be in years 0001-9999');
  if (start >= end) throw badField('from', '`from` must be before `to`');
  return { from: start, to: end };
}

/** An entity id as ingest accepts it (1 to 36 characters). */
export function entityId(id: string): string {
  if (id.length === 0 || id.length > 36) throw badField('id', 'id must be 1 to 36 characters');
  return id;
}

export function tableFor(kind: string): MetricTable {
  const t = metricTableByPath(kind);
  if (!t) throw new NotFoundException(`unknown entity kind ${kind}: tools, servers, resources, prompts or a2a-agents`);
  return t;
}

/** What a per-entity read route receives: the path's kind and id, the query string, the caller. */
export interface EntityRoute {
  kind: string;
  id: string;
  query: unknown;
  principal: Principal;
  meta: RequestMeta;
}

/**
 * The common head of every per-entity read (summary, timeseries, stats, heatmap), in this order:
 * the table of the kind (404 if unknown), the parameters (400 naming each bad one), the window
 * (default the last 24 hours), then the caller's right to see the entity (404 as the registry answers).
 */
export async function entityRead<T extends z.ZodType<{ from?: Date; to?: Date }, z.ZodTypeDef, unknown>>(
  access: Pick<MetricsAccessService, 'checkVisible'>,
  schema: T,
  route: EntityRoute,
): Promise<{ t: MetricTable; q: z.output<T>; from: Date; to: Date }> {
  const t = tableFor(route.kind);
  const q = parse(schema, route.query);
  const { from, to } = window(q.from, q.to);
  await access.checkVisible(t, entityId(route.id), route.principal, route.meta);
  return { t, q, from, to };
}

/** OpenAPI descriptions of the shared parameters. */
export const KIND_PARAM = { name: 'kind', enum: ['tools', 'servers', 'resources', 'prompts', 'a2a-agents'] };
export const RANGE_QUERIES = [
  { name: 'from', required: false, description: 'ISO 8601 with a time zone; default `to` minus 24 hours' },
  { name: 'to', required: false, description: 'ISO 8601 with a time zone; default now (half-open range)' },
  { name: 'exact', required: false, enum: ['true', 'false'], description: 'true: raw rows only (forensics; slower)' },
];
