import { METRIC_TABLES, MetricTable } from '../metric-tables';

/**
 * SQL of the per-entity analytics that rollups cannot answer: the error breakdown (failed
 * raw rows of one entity, read through the partial index on failures) and tool chains.
 */

/** The most frequent (error_type, error_message) of one entity's failures in [$2, $3), $4 of them. */
export const topErrorsSql = (t: MetricTable) =>
  `SELECT error_type, error_message, count(*)::int AS count, max("timestamp") AS last_at
     FROM "${t.raw}"
    WHERE ${t.idColumn} = $1 AND NOT is_success AND "timestamp" >= $2 AND "timestamp" < $3
    GROUP BY error_type, error_message
    ORDER BY count DESC, last_at DESC
    LIMIT $4`;

export type ChainGroup = 'trace' | 'session';

/** Calls of [$1, $2) with their trace or session; only the tools in $4 unless it is null (every tool visible). */
function callsSql(by: ChainGroup): string {
  const tool = METRIC_TABLES.tool;
  const group = by === 'trace' ? 'trace_id' : 'session_id';
  return `SELECT ${group} AS grp, ${tool.idColumn} AS tool_id, ${tool.nameColumn} AS tool_name, "timestamp", id
            FROM "${tool.raw}"
           WHERE "timestamp" >= $1 AND "timestamp" < $2 AND ${group} IS NOT NULL
             AND ($4::varchar[] IS NULL OR ${tool.idColumn} = ANY($4::varchar[]))`;
}

/**
 * The most common sequences of tool calls within a trace or session ($3 of them), each cut
 * to its first $5 calls, of at least two calls: one pass over the window's tool rows
 * (the timestamp index), one aggregate per group, then one per sequence.
 */
export const chainSequencesSql = (by: ChainGroup) =>
  `WITH calls AS (${callsSql(by)}),
        seqs AS (
          SELECT (array_agg(tool_id ORDER BY "timestamp", id))[1:$5] AS ids, (array_agg(tool_name ORDER BY "timestamp", id))[1:$5] AS names
            FROM calls GROUP BY grp HAVING count(*) >= 2)
   SELECT ids, min(names) AS names, count(*)::int AS count FROM seqs GROUP BY ids ORDER BY count DESC, ids LIMIT $3`;

/** Which tool follows which within a trace or session: the $3 most common pairs. */
export const chainTransitionsSql = (by: ChainGroup) =>
  `WITH calls AS (${callsSql(by)})
   SELECT from_id, min(from_name) AS from_name, to_id, min(to_name) AS to_name, count(*)::int AS count
     FROM (SELECT lag(tool_id) OVER w AS from_id, lag(tool_name) OVER w AS from_name, tool_id AS to_id, tool_name AS to_name
             FROM calls WINDOW w AS (PARTITION BY grp ORDER BY "timestamp", id)) x
    WHERE from_id IS NOT NULL
    GROUP BY from_id, to_id ORDER BY count DESC, from_id, to_id LIMIT $3`;
