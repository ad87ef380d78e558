import { ResponseTimeSketch } from '../sketch/response-time-sketch';

/** One row of compactionInputSql: a pending day row beside one of its hours (null columns: no hour rows). */
export interface CompactionInputRow {
  [key: string]: unknown;
  day: Date;
  seen: number;
  name: string | null;
  hour_start: Date | null;
  total_count: number | null;
  success_count: number | null;
  min_response_time: number | null;
  max_response_time: number | null;
  avg_response_time: number | null;
  response_time_sketch: Buffer | null;
  hour_pending: number | null;
}

export interface DailyRow {
  key: string[];
  day: Date;
  seen: number;
  name: string;
  total: number;
  ok: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  percentiles: Array<number | null>;
  sketch: Buffer | null;
}

/**
 * Daily rows from hourly rows, no raw rescan: counts add, min/max fold, the average is
 * re-weighted, percentiles come from the merged hourly sketches (within their bound).
 * A day with an hour still pending is left for a later run (its hourly rows are stale);
 * a day without hourly rows (they expired) too. Pure.
 */
export function compactDays(rows: CompactionInputRow[], keyColumns: string[]): DailyRow[] {
  const groups = new Map<string, CompactionInputRow[]>();
  for (const row of rows) {
    const id = JSON.stringify([...keyColumns.map((c) => row[c]), new Date(row.day).getTime()]);
    let list = groups.get(id);
    if (!list) groups.set(id, (list = []));
    list.push(row);
  }
  const out: DailyRow[] = [];
  for (const hours of groups.values()) {
    const first = hours[0];
    const present = hours.filter((h) => h.hour_start !== null);
    if (present.length === 0 || present.some((h) => Number(h.hour_pending) > 0)) continue;
    const sketch = new ResponseTimeSketch();
    let total = 0;
    let ok = 0;
    let sum = 0;
    let min: number | null = null;
    let max: number | null = null;
    let sketched = false;
    let latest = present[0];
    for (const h of present) {
      const n = Number(h.total_count);
      if (new Date(h.hour_start!).getTime() > new Date(latest.hour_start!).getTime()) latest = h;
      if (n === 0) continue;
      total += n;
      ok += Number(h.success_count);
      sum += Number(h.avg_response_time) * n;
      if (h.min_response_time !== null) min = min === null ? h.min_response_time : Math.min(min, h.min_response_time);
      if (h.max_response_time !== null) max = max === null ? h.max_response_time : Math.max(max, h.max_response_time);
      if (h.response_time_sketch) {
        sketch.merge(h.response_time_sketch, h.min_response_time, h.max_response_time);
        sketched = true;
      }
    }
    out.push({
      key: keyColumns.map((c) => String(first[c])),
      day: new Date(first.day),
      seen: Number(first.seen),
      name: latest.name ?? 'unknown',
      total,
      ok,
      min,
      max,
      avg: total ? sum / total : null,
      // Hours rolled up before sketches existed have none: no percentile rather than a wrong one.
      percentiles: sketched && sketch.count === total ? sketch.percentiles() : [null, null, null, null],
      sketch: sketched ? sketch.encode() : null,
    });
  }
  return out;
}
