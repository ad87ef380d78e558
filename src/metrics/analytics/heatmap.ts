import type { Part } from '../query/combine';
import { sketchBins } from '../sketch/response-time-sketch';

/**
 * Latency heatmap cells from the stored sketches, pure. A time bucket's parts (hourly and
 * daily rollup rows, the raw tail's aggregate) each carry a DDSketch; every bin of it goes,
 * whole, to the latency bucket its representative value falls in, so the cells of a time
 * bucket sum to its calls exactly, and a value sits in the right cell unless it is within the
 * sketch's relative accuracy (1 %) of a cell boundary. Sketches merge by adding bins, so any
 * range of hours or days gives the same cells as its raw rows would, to that bound.
 */

/** Upper bounds (seconds, inclusive) of the latency buckets; one more bucket takes what is above the last. */
export const DEFAULT_LATENCY_BOUNDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
export const MAX_LATENCY_BUCKETS = 40;

/** The cell of a value: the first bound at or above it, else the overflow cell. */
export function cellOf(value: number, bounds: readonly number[]): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid] >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface HeatmapRow {
  /** Calls per latency bucket: bounds.length + 1 cells. */
  cells: number[];
  count: number;
  /**
   * Calls of rows rolled up before sketches existed whose min and max fall in different
   * cells (their distribution is unknown): counted here, in no cell.
   */
  unbinned: number;
}

export function heatmapRow(parts: readonly Part[], bounds: readonly number[]): HeatmapRow {
  const cells = new Array<number>(bounds.length + 1).fill(0);
  let count = 0;
  let unbinned = 0;
  for (const part of parts) {
    if (part.count === 0) continue;
    count += part.count;
    if (part.sketch && part.sketch.length > 0) {
      for (const [value, n] of sketchBins(part.sketch)) cells[cellOf(value, bounds)] += n;
    } else if (part.min !== null && part.max !== null && cellOf(part.min, bounds) === cellOf(part.max, bounds)) {
      cells[cellOf(part.min, bounds)] += part.count;
    } else unbinned += part.count;
  }
  return { cells, count, unbinned };
}

/** Latency bounds from a query parameter: increasing positive seconds, comma-separated; null when bad (the reason). */
export function parseBounds(text: string): readonly number[] | string {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.length > MAX_LATENCY_BUCKETS) return `must list 1 to ${MAX_LATENCY_BUCKETS} bounds`;
  const values = parts.map((p) => (/^\d+(\.\d+)?$/.test(p) ? Number(p) : NaN));
  if (values.some((v) => !(v > 0) || !Number.isFinite(v))) return 'must be positive numbers of seconds, e.g. 0.1,0.5,1';
  if (values.some((v, i) => i > 0 && v <= values[i - 1])) return 'must be in increasing order';
  return values;
}
