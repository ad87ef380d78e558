import { defaultPartitionOf, PartitionedTable } from '../database/role-definition';
import { columnsOf, ident, literal, Queryable, readPartitions } from './partition-catalog';
import { PartitionRange, TimeRange } from './partition-plan';

/**
 * The steps that give a range its partition, each run by the maintainer in a short
 * transaction of its own (holding the table's advisory lock, with lock_timeout set).
 *
 * An attach holds the parent in SHARE mode until commit: an insert routed to the DEFAULT
 * partition just before the attach would otherwise fail its partition check right after.
 * Writers wait for that transaction, so it must stay short, and what makes an attach slow is
 * the scan of the DEFAULT partition that PostgreSQL does to check it holds no row of the new
 * range. Hence the DEFAULT partition is kept nearly empty: partitions are made before rows
 * arrive (ensure), and rows that did arrive first are drained out before anything is attached.
 *
 * - attachEmpty: no rows of the range wait in the DEFAULT partition (the normal case):
 *   create and attach.
 * - prepareDrain, moveBatch (repeated), attachDrained: rows of the range wait in the DEFAULT
 *   partition (a backfill that came before its partitions). They move in batches, each its
 *   own transaction taking row locks only, into the new table; once every range is drained,
 *   each is attached. Moved rows are invisible to readers of the parent until then; the
 *   role's rowsMovedSql refreshes what it derived from the table meanwhile.
 * - createMoving: tables that a foreign key points into move in one transaction, so that the
 *   references can be kept (see saveLinks).
 */

const overlaps = (a: TimeRange, b: TimeRange) => a.from.getTime() < b.to.getTime() && b.from.getTime() < a.to.getTime();
const checkName = (range: PartitionRange) => ident(`${range.name}_bounds`);
const bounds = (range: TimeRange) => [range.from.toISOString(), range.to.toISOString()];

async function attachedOverlap(q: Queryable, spec: PartitionedTable, range: TimeRange): Promise<boolean> {
  return (await readPartitions(q, [spec])).get(spec.table)!.some((p) => overlaps(p, range));
}

async function tableExists(q: Queryable, name: string): Promise<boolean> {
  const [{ exists }] = await q.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [ident(name)]);
  return exists as boolean;
}

/** Whether rows of the range wait in the DEFAULT partition (an index probe). */
export async function defaultHasRows(q: Queryable, spec: PartitionedTable, range: TimeRange): Promise<boolean> {
  const ts = ident(spec.timeColumn);
  const [{ found }] = await q.query(
    `SELECT EXISTS (SELECT 1 FROM ${ident(defaultPartitionOf(spec))} WHERE ${ts} >= $1 AND ${ts} < $2) AS found`,
    bounds(range),
  );
  return found as boolean;
}

/** The new table, with a CHECK of its bounds so that ATTACH need not scan it. */
async function createTarget(q: Queryable, spec: PartitionedTable, range: PartitionRange): Promise<void> {
  const ts = ident(spec.timeColumn);
  await q.query(
    `CREATE TABLE ${ident(range.name)} (LIKE ${ident(spec.table)} INCLUDING ALL,
       CONSTRAINT ${checkName(range)} CHECK (${ts} >= ${literal(range.from)} AND ${ts} < ${literal(range.to)}))`,
  );
}

async function attach(q: Queryable, spec: PartitionedTable, range: PartitionRange): Promise<void> {
  await q.query(
    `ALTER TABLE ${ident(spec.table)} ATTACH PARTITION ${ident(range.name)} FOR VALUES FROM (${literal(range.from)}) TO (${literal(range.to)})`,
  );
  await q.query(`ALTER TABLE ${ident(range.name)} DROP CONSTRAINT ${checkName(range)}`);
}

/**
 * Moves rows of the range from the DEFAULT partition into the target table: all of them, or
 * at most `limit`. Returns how many.
 */
async function move(q: Queryable, spec: PartitionedTable, range: PartitionRange, limit: number | null): Promise<number> {
  const source = ident(defaultPartitionOf(spec));
  const ts = ident(spec.timeColumn);
  const columns = (await columnsOf(q, spec.table)).map(ident).join(', ');
  const which =
    limit === null
      ? `${ts} >= $1 AND ${ts} < $2`
      : `ctid = ANY (ARRAY(SELECT ctid FROM ${source} WHERE ${ts} >= $1 AND ${ts} < $2 LIMIT ${Math.floor(limit)}))`;
  const [{ moved }] = await q.query(
    `WITH moved AS (DELETE FROM ${source} WHERE ${which} RETURNING ${columns}),
          inserted AS (INSERT INTO ${ident(range.name)} (${columns}) SELECT ${columns} FROM moved RETURNING 1)
     SELECT count(*)::int AS moved FROM inserted`,
    bounds(range),
  );
  return moved as number;
}

/** Writers of the table wait until commit (ONLY: the partitions stay free for readers and autovacuum). */
const holdParent = (q: Queryable, spec: PartitionedTable) => q.query(`LOCK TABLE ONLY ${ident(spec.table)} IN SHARE MODE`);

/** Whether the DEFAULT partition holds at most `limit` rows (cheap to scan when attaching). */
export async function defaultIsSmall(q: Queryable, spec: PartitionedTable, limit: number): Promise<boolean> {
  const [{ n }] = await q.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${ident(defaultPartitionOf(spec))} LIMIT ${limit + 1}) d`);
  return (n as number) <= limit;
}

/** Creates and attaches the partition of a range with no rows waiting. 'rows': it has some after all (drain it). */
export async function attachEmpty(q: Queryable, spec: PartitionedTable, range: PartitionRange): Promise<'attached' | 'exists' | 'rows'> {
  if (await attachedOverlap(q, spec, range)) return 'exists';
  if (await tableExists(q, range.name)) return 'rows'; // a drain left unfinished: finish it
  await holdParent(q, spec);
  if (await defaultHasRows(q, spec, range)) return 'rows';
  await createTarget(q, spec, range);
  await attach(q, spec, range);
  return 'attached';
}

/** Creates the (not yet attached) table a drain fills, unless an unfinished drain left it. False: already attached. */
export async function prepareDrain(q: Queryable, spec: PartitionedTable, range: PartitionRange): Promise<boolean> {
  if (await attachedOverlap(q, spec, range)) return false;
  if (!(await tableExists(q, range.name))) await createTarget(q, spec, range);
  return true;
}

/** One batch of a drain: at most `limit` rows. */
export async function moveBatch(q: Queryable, spec: PartitionedTable, range: PartitionRange, limit: number): Promise<number> {
  if (!(await tableExists(q, range.name)) || (await attachedOverlap(q, spec, range))) return 0;
  return move(q, spec, range, limit);
}

/** Ends a drain: the rows that came meanwhile, the attach, then the role's refresh. Returns the rows moved now. */
export async function attachDrained(q: Queryable, spec: PartitionedTable, range: PartitionRange): Promise<number | null> {
  if (!(await tableExists(q, range.name)) || (await attachedOverlap(q, spec, range))) return null;
  await holdParent(q, spec);
  const moved = await move(q, spec, range, null);
  await attach(q, spec, range);
  if (spec.rowsMovedSql) await q.query(spec.rowsMovedSql, bounds(range));
  return moved;
}

/**
 * Creates one partition, moving into it in the same transaction the rows of its range that
 * wait in the DEFAULT partition. For tables a foreign key points into. Returns the rows
 * moved, or null when another process created the range meanwhile.
 */
export async function createMoving(q: Queryable, spec: PartitionedTable, range: PartitionRange): Promise<number | null> {
  if (await attachedOverlap(q, spec, range)) return null;
  await holdParent(q, spec);
  await createTarget(q, spec, range);
  const links = spec.referencedBy ? await saveLinks(q, spec.referencedBy, bounds(range)) : null;
  const moved = await move(q, spec, range, null);
  await attach(q, spec, range);
  if (links) await restoreLinks(q, spec.referencedBy!, links);
  return moved;
}

/**
 * Deleting a moved row from the DEFAULT partition fires the referencing key's ON DELETE
 * SET NULL, although the row lives on in its new partition: remember the links first.
 */
async function saveLinks(
  q: Queryable,
  ref: NonNullable<PartitionedTable['referencedBy']>,
  range: string[],
): Promise<Array<[string, string, string]>> {
  const [id, at] = ref.columns.map(ident);
  // ::text round-trips exactly (microseconds included) within the session.
  const rows: Array<{ key: string; id: string; at: string }> = await q.query(
    `SELECT ${ident(ref.key)}::text AS key, ${id}::text AS id, ${at}::text AS at FROM ${ident(ref.table)}
      WHERE ${at} >= $1 AND ${at} < $2 AND ${id} IS NOT NULL FOR UPDATE`,
    range,
  );
  return rows.map((r) => [r.key, r.id, r.at]);
}

async function restoreLinks(q: Queryable, ref: NonNullable<PartitionedTable['referencedBy']>, links: Array<[string, string, string]>) {
  if (!links.length) return;
  const [id, at] = ref.columns.map(ident);
  await q.query(
    `UPDATE ${ident(ref.table)} AS t SET ${id} = l.id::uuid, ${at} = l.at::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[]) AS l(key, id, at)
      WHERE t.${ident(ref.key)} = l.key::uuid`,
    [links.map((l) => l[0]), links.map((l) => l[1]), links.map((l) => l[2])],
  );
}
