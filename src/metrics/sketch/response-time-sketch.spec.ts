import fc from 'fast-check';
import { KEY_MULTIPLIER, MAPPING, MIN_VALUE, RELATIVE_ACCURACY, ResponseTimeSketch } from './response-time-sketch';

/** percentile_cont, as PostgreSQL computes it. */
function percentileCont(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = sorted[Math.floor(pos)];
  const hi = sorted[Math.ceil(pos)];
  return lo + (hi - lo) * (pos - Math.floor(pos));
}

const value = fc.oneof(
  fc.double({ min: 1e-6, max: 1e4, noNaN: true }),
  fc.double({ min: 0.01, max: 0.02, noNaN: true }),
  fc.constantFrom(0, 0.25, 1, 30),
);

describe('ResponseTimeSketch', () => {
  it('uses the library mapping: the ln-based key of sketch-sql.ts is its key', () => {
    fc.assert(
      fc.property(fc.double({ min: MIN_VALUE, max: 1e6, noNaN: true }), (x) => {
        const viaLn = Math.ceil(Math.log(x) * KEY_MULTIPLIER);
        // Equal but for values within float rounding of a bin boundary.
        expect(Math.abs(viaLn - MAPPING.key(x))).toBeLessThanOrEqual(1);
        // -0 (ceil of a value in (-1, 0)) and 0 are one key.
        if (Math.abs(Math.log(x) * KEY_MULTIPLIER - Math.round(Math.log(x) * KEY_MULTIPLIER)) > 1e-9)
          expect(viaLn | 0).toBe(MAPPING.key(x) | 0);
      }),
      { examples: [[0.9801980198215849]] }, // a value whose ln-based key is -0
    );
  });

  it('merged from encoded parts, every quantile is within the relative accuracy of percentile_cont', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (parts, q) => {
          const merged = new ResponseTimeSketch();
          for (const part of parts) {
            const sketch = new ResponseTimeSketch();
            part.forEach((v) => sketch.add(v));
            merged.merge(sketch.encode(), Math.min(...part), Math.max(...part));
          }
          const all = parts.flat();
          expect(merged.count).toBe(all.length);
          const exact = percentileCont(all, q);
          expect(Math.abs(merged.quantile(q)! - exact)).toBeLessThanOrEqual(RELATIVE_ACCURACY * exact + MIN_VALUE);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips its stored form and is empty-safe', () => {
    const a = new ResponseTimeSketch();
    [0.1, 0.1, 0.2, 5].forEach((v) => a.add(v));
    const b = new ResponseTimeSketch().merge(a.encode(), 0.1, 5);
    expect(b.encode()).toEqual(a.encode());
    expect(b.percentiles()).toEqual(a.percentiles());
    expect(new ResponseTimeSketch().quantile(0.5)).toBeNull();
    expect(new ResponseTimeSketch().merge(null).count).toBe(0);
    expect(() => new ResponseTimeSketch().merge(Buffer.from([9, 0, 0, 0, 0, 0, 1]))).toThrow(/version/);
  });
});
