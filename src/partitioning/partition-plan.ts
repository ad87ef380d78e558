/**
 * Partition date math, pure: which ranges must exist for a table and which partitions must
 * go. Everything is UTC and half-open ([from, to)), so consecutive periods share a bound
 * and month ends, year ends and leap days need no special case.
 */

import { DAY_MS } from '../common/time';
import { PartitionPeriod } from '../config/settings';

/** [from, to) */
export interface TimeRange {
  from: Date;
  to: Date;
}

export interface PartitionRange extends TimeRange {
  name: string;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Start of the period containing `instant`: UTC midnight, Monday 00:00 UTC, or the 1st of the month. */
export function periodStart(instant: Date, period: PartitionPeriod): Date {
  const t = instant.getTime();
  const day = Math.floor(t / DAY_MS);
  switch (period) {
    case 'day':
      return new Date(day * DAY_MS);
    case 'week':
      // Day 0 of the epoch (1970-01-01) was a Thursday: three days after a Monday.
      return new Date((day - mod(day + 3, 7)) * DAY_MS);
    case 'month':
      return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
  }
}

/** The period start `n` periods after (or before, n < 0) the period containing `start`. */
export function addPeriods(start: Date, period: PartitionPeriod, n: number): Date {
  const s = periodStart(start, period);
  switch (period) {
    case 'day':
      return new Date(s.getTime() + n * DAY_MS);
    case 'week':
      return new Date(s.getTime() + n * 7 * DAY_MS);
    case 'month':
      return new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + n, 1));
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `<table>_pYYYYMMDD` after the range start; a start off midnight (only from foreign partitions) adds `_HHMMSS`. */
export function partitionName(table: string, from: Date): string {
  const date = `${pad(from.getUTCFullYear(), 4)}${pad(from.getUTCMonth() + 1)}${pad(from.getUTCDate())}`;
  const time = from.getTime() - Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const suffix = time === 0 ? '' : `_${pad(from.getUTCHours())}${pad(from.getUTCMinutes())}${pad(from.getUTCSeconds())}`;
  return `${table}_p${date}${suffix}`;
}

export interface PlanInput {
  table: string;
  period: PartitionPeriod;
  now: Date;
  /** Periods to keep ready after the current one. */
  premake: number;
  retentionDays: number;
  /** Partitions now attached, the DEFAULT one left out. */
  existing: readonly PartitionRange[];
  /** Instants of rows sitting in the DEFAULT partition (one per UTC day is enough). */
  defaultRows?: readonly Date[];
}

export interface PartitionPlan {
  /** Partitions that end at or before this instant hold only expired rows. */
  cutoff: Date;
  /** Rows of the DEFAULT partition older than this are expired: deleted, not moved. */
  purgeBefore: Date;
  /** The period containing now. Never dropped. */
  current: TimeRange;
  /** Partitions must cover every instant from the current period up to here. */
  premadeUntil: Date;
  /** Ranges to create (premade, gaps, and homes for rows in the DEFAULT partition), oldest first. */
  create: PartitionRange[];
  /** Existing partitions wholly older than retention, oldest first. */
  drop: PartitionRange[];
}

const byFrom = (a: TimeRange, b: TimeRange) => a.from.getTime() - b.from.getTime();

/**
 * The parts of each cell that no existing range covers. Cells and existing ranges are sorted
 * and each set is disjoint, so one sweep does it.
 */
function uncovered(cells: Array<[number, number]>, existing: readonly TimeRange[]): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let j = 0;
  for (const [from, to] of cells) {
    while (j < existing.length && existing[j].to.getTime() <= from) j++;
    let cursor = from;
    for (let k = j; k < existing.length && existing[k].from.getTime() < to; k++) {
      if (existing[k].from.getTime() > cursor) pieces.push([cursor, existing[k].from.getTime()]);
      cursor = Math.max(cursor, existing[k].to.getTime());
    }
    if (cursor < to) pieces.push([cursor, to]);
  }
  return pieces;
}

/**
 * What maintenance must do for one table at `now`:
 * - keep one partition per period from the previous period (late rows) to `premake`
 *   periods after the current one, and fill any gap back to the oldest retained partition
 *   (or row waiting in the DEFAULT partition), so coverage is continuous from there to
 *   `premadeUntil`;
 * - give every row in the DEFAULT partition a partition of its own period;
 * - drop partitions wholly older than retention (`to <= now - retention`), never the current one.
 * New ranges are cut around existing partitions, so a period changed by configuration never
 * produces an overlap: old partitions keep their bounds until they expire.
 */
export function planPartitions(input: PlanInput): PartitionPlan {
  const { table, period, now, premake, retentionDays } = input;
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const current = { from: periodStart(now, period), to: addPeriods(now, period, 1) };
  const premadeUntil = addPeriods(now, period, premake + 1);
  // The first period that ends after the cutoff: anything before it is expired.
  const purgeBefore = periodStart(cutoff, period);

  const existing = [...input.existing].sort(byFrom);
  // cutoff < now (retention is at least a day), so the partition holding now never qualifies.
  const drop = existing.filter((p) => p.to.getTime() <= cutoff.getTime() && p.to.getTime() <= now.getTime());
  const kept = existing.filter((p) => p.to.getTime() > cutoff.getTime() || p.to.getTime() > now.getTime());

  const rowCells = new Set<number>();
  for (const row of input.defaultRows ?? []) {
    if (row.getTime() >= purgeBefore.getTime()) rowCells.add(periodStart(row, period).getTime());
  }
  // Coverage runs without a gap from the oldest retained partition (or the oldest row waiting
  // in the DEFAULT partition) to premadeUntil.
  const oldest = Math.min(
    addPeriods(now, period, -1).getTime(),
    kept.length ? kept[0].from.getTime() : Infinity,
    ...[...rowCells].filter((cell) => cell < current.from.getTime()),
  );
  const start = Math.max(oldest, purgeBefore.getTime());

  // Uncovered parts of [start, premadeUntil) and of the periods holding rows in the DEFAULT
  // partition, cut at period bounds. `start` is a period bound or the start of an existing
  // partition, so both ways of cutting agree and duplicates share their `from`.
  const pieces = new Map<number, number>();
  const cut = (from: number, to: number) => {
    for (let cell = periodStart(new Date(from), period); cell.getTime() < to;) {
      const next = addPeriods(cell, period, 1);
      pieces.set(Math.max(cell.getTime(), from), Math.min(next.getTime(), to));
      cell = next;
    }
  };
  for (const [from, to] of uncovered([[start, premadeUntil.getTime()]], existing)) cut(from, to);
  const cells = [...rowCells].sort((a, b) => a - b).map((c): [number, number] => [c, addPeriods(new Date(c), period, 1).getTime()]);
  for (const [from, to] of uncovered(cells, existing)) cut(from, to);

  const create = [...pieces]
    .sort((a, b) => a[0] - b[0])
    .map(([f, t]) => ({ name: partitionName(table, new Date(f)), from: new Date(f), to: new Date(t) }));
  return { cutoff, purgeBefore, current, premadeUntil, create, drop };
}

/**
 * End of the continuous coverage that starts at the partition holding `now`: the instant
 * up to which inserts are known to land in a real partition. Null when none holds `now`.
 */
export function coveredUntil(partitions: readonly TimeRange[], now: Date): Date | null {
  const sorted = [...partitions].sort(byFrom);
  let i = sorted.findIndex((p) => p.from.getTime() <= now.getTime() && now.getTime() < p.to.getTime());
  if (i < 0) return null;
  let end = sorted[i].to;
  while (++i < sorted.length && sorted[i].from.getTime() === end.getTime()) end = sorted[i].to;
  return end;
}

/**
 * The partitions to create so that [from, to) is covered: whole periods, cut around the
 * existing partitions (as planPartitions cuts them), oldest first.
 */
export function rangesToCover(
  table: string,
  period: PartitionPeriod,
  from: Date,
  to: Date,
  existing: readonly TimeRange[],
): PartitionRange[] {
  if (from >= to) return [];
  const cells: Array<[number, number]> = [];
  for (let cell = periodStart(from, period); cell.getTime() < to.getTime();) {
    const next = addPeriods(cell, period, 1);
    cells.push([cell.getTime(), next.getTime()]);
    cell = next;
  }
  return uncovered(cells, [...existing].sort(byFrom)).map(([f, t]) => ({
    name: partitionName(table, new Date(f)),
    from: new Date(f),
    to: new Date(t),
  }));
}

/** Whether the partitions cover [from, to) without a gap. */
export function covers(partitions: readonly TimeRange[], from: Date, to: Date): boolean {
  let cursor = from.getTime();
  for (const p of [...partitions].sort(byFrom)) {
    if (p.from.getTime() > cursor) break;
    cursor = Math.max(cursor, p.to.getTime());
    if (cursor >= to.getTime()) return true;
  }
  return cursor >= to.getTime();
}
