import { LogarithmicMapping } from '@datadog/sketches-js/dist/ddsketch/mapping';
import { DenseStore } from '@datadog/sketches-js/dist/ddsketch/store';

/**
 * Mergeable response-time sketches: DDSketch (Masson, Rim, Lee, VLDB 2019) through
 * @datadog/sketches-js. A value x > 0 falls in bin k = ceil(log_γ x), γ = (1 + α) / (1 - α);
 * every value of bin k is within α of the bin's representative, so a quantile read from
 * merged bins is within α of the exact order statistic, whatever the distribution.
 *
 * Quantiles here interpolate between the bins of the two order statistics around rank
 * q·(n - 1), exactly as percentile_cont interpolates between the values: a convex
 * combination of two estimates each within α is within α of percentile_cont's answer.
 *
 * Stored form (bytea, one home: this file and sketch-sql.ts): a version byte (1), then the
 * non-empty bins, each an int16 key and an int32 count, big-endian (in key order when
 * written here; in any order from SQL). Values
 * are clamped to [MIN_VALUE, MAX_VALUE] first (a response time under a nanosecond reads as
 * one nanosecond: an absolute error below 1 ns instead of a relative one).
 */
export const RELATIVE_ACCURACY = 0.01;
export const SKETCH_VERSION = 1;
export const MIN_VALUE = 1e-9;
export const MAX_VALUE = 1e280;
const BIN_BYTES = 6;

export const MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
/** ln-based: k = ceil(ln(x) · KEY_MULTIPLIER), the same keys as MAPPING.key(x) (a unit spec checks). */
export const KEY_MULTIPLIER = 1 / Math.log(MAPPING.gamma);

export const PERCENTILES = [0.5, 0.9, 0.95, 0.99] as const;
export type Percentiles = [p50: number | null, p90: number | null, p95: number | null, p99: number | null];

const clamp = (x: number) => Math.min(Math.max(x, MIN_VALUE), MAX_VALUE);

/** Bins merged from any number of stored sketches (and values), with exact count, min and max. */
export class ResponseTimeSketch {
  private readonly store = new DenseStore();
  count = 0;
  min = Infinity;
  max = -Infinity;

  /** One value (tests, and raw rows read in the service). */
  add(value: number, weight = 1): this {
    this.store.add(MAPPING.key(clamp(value)), weight);
    this.count += weight;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
    return this;
  }

  /**
   * Merges a stored sketch. `min`/`max` are the exact extremes of the values it holds (the
   * rollup rows keep them), used to clamp answers; omitted, the bins' bounds are used.
   */
  merge(encoded: Buffer | null | undefined, min?: number | null, max?: number | null): this {
    if (!encoded || encoded.length < 1) return this;
    if (encoded[0] !== SKETCH_VERSION) throw new Error(`unknown sketch version ${encoded[0]}`);
    let lowKey = Infinity;
    let highKey = -Infinity;
    for (let o = 1; o + BIN_BYTES <= encoded.length; o += BIN_BYTES) {
      const key = encoded.readInt16BE(o);
      const n = encoded.readInt32BE(o + 2);
      this.store.add(key, n);
      this.count += n;
      lowKey = Math.min(lowKey, key);
      highKey = Math.max(highKey, key);
    }
    if (lowKey === Infinity) return this;
    this.min = Math.min(this.min, min ?? MAPPING.value(lowKey) / (1 + RELATIVE_ACCURACY));
    this.max = Math.max(this.max, max ?? MAPPING.value(highKey) / (1 - RELATIVE_ACCURACY));
    return this;
  }

  /** The q-quantile in percentile_cont's sense, within RELATIVE_ACCURACY; null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = q * (this.count - 1);
    const low = Math.floor(rank);
    const high = Math.ceil(rank);
    const a = MAPPING.value(this.store.keyAtRank(low));
    const b = high === low ? a : MAPPING.value(this.store.keyAtRank(high));
    const estimate = a + (rank - low) * (b - a);
    // The exact extremes are known: clamping can only move the estimate closer.
    return Math.min(Math.max(estimate, this.min), this.max);
  }

  percentiles(): Percentiles {
    return PERCENTILES.map((q) => this.quantile(q)) as Percentiles;
  }

  /** The stored form (see above). */
  encode(): Buffer {
    const bins: Array<[number, number]> = [];
    const { bins: counts, offset } = this.store;
    for (let i = 0; i < counts.length; i++) if (counts[i] > 0) bins.push([i + offset, counts[i]]);
    const out = Buffer.alloc(1 + bins.length * BIN_BYTES);
    out[0] = SKETCH_VERSION;
    bins.forEach(([key, n], i) => {
      out.writeInt16BE(key, 1 + i * BIN_BYTES);
      out.writeInt32BE(n, 3 + i * BIN_BYTES);
    });
    return out;
  }
}

/**
 * The bins of a stored sketch as [representative value (seconds), count], for readers that
 * need the distribution rather than quantiles (the latency heatmap). Every value counted in
 * a bin is within RELATIVE_ACCURACY of its representative.
 */
export function sketchBins(encoded: Buffer): Array<[value: number, count: number]> {
  if (encoded.length < 1 || encoded[0] !== SKETCH_VERSION) throw new Error(`unknown sketch version ${encoded[0]}`);
  const bins: Array<[number, number]> = [];
  for (let o = 1; o + BIN_BYTES <= encoded.length; o += BIN_BYTES)
    bins.push([MAPPING.value(encoded.readInt16BE(o)), encoded.readInt32BE(o + 2)]);
  return bins;
}
