import { Part } from '../query/combine';
import { ResponseTimeSketch } from '../sketch/response-time-sketch';
import { cellOf, DEFAULT_LATENCY_BOUNDS, heatmapRow, parseBounds } from './heatmap';

const part = (values: number[], sketch = true): Part => {
  const s = new ResponseTimeSketch();
  values.forEach((v) => s.add(v));
  return {
    kind: 'hourly',
    count: values.length,
    failures: 0,
    min: Math.min(...values),
    max: Math.max(...values),
    sum: values.reduce((a, b) => a + b, 0),
    percentiles: [null, null, null, null],
    exact: true,
    sketch: sketch ? s.encode() : null,
  };
};

describe('latency heatmap from sketches', () => {
  it('puts a value in the first bucket whose bound is at or above it, the overflow after the last', () => {
    const bounds = [0.1, 1, 10];
    expect([0.05, 0.1, 0.5, 1, 9, 10, 11].map((v) => cellOf(v, bounds))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('cells sum to the calls, and match the raw values away from the boundaries (random sets, merged parts)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const sets = Array.from({ length: 3 }, () => Array.from({ length: 50 + round * 10 }, () => Math.exp(rand() * 12 - 9)));
      const row = heatmapRow(
        sets.map((v) => part(v)),
        DEFAULT_LATENCY_BOUNDS,
      );
      const all = sets.flat();
      expect(row.count).toBe(all.length);
      expect(row.cells.reduce((a, b) => a + b, 0)).toBe(all.length);
      expect(row.unbinned).toBe(0);
      const exact = new Array(DEFAULT_LATENCY_BOUNDS.length + 1).fill(0);
      // values within 1 % of a bound may fall either side: leave them out of the comparison
      const near = (v: number) => DEFAULT_LATENCY_BOUNDS.some((b) => Math.abs(v - b) <= b * 0.011);
      all.filter((v) => !near(v)).forEach((v) => exact[cellOf(v, DEFAULT_LATENCY_BOUNDS)]++);
      const nearCount = all.filter(near).length;
      const diff = row.cells.reduce((d, c, i) => d + Math.abs(c - exact[i]), 0);
      expect(diff).toBeLessThanOrEqual(nearCount);
    }
  });

  it('a row without a sketch lands whole in a cell when its min and max share it, else is counted unbinned', () => {
    expect(heatmapRow([part([0.2, 0.21], false)], [0.1, 1])).toEqual({ cells: [0, 2, 0], count: 2, unbinned: 0 });
    expect(heatmapRow([part([0.05, 0.5], false)], [0.1, 1])).toEqual({ cells: [0, 0, 0], count: 2, unbinned: 2 });
  });

  it('reads bounds from a query parameter, refusing what is not increasing positive seconds', () => {
    expect(parseBounds('0.1, 0.5,2')).toEqual([0.1, 0.5, 2]);
    expect(parseBounds('0.5,0.1')).toMatch(/increasing/);
    expect(parseBounds('0,1')).toMatch(/positive/);
    expect(parseBounds('1e3')).toMatch(/positive/);
    expect(parseBounds(Array(41).fill('1').join(','))).toMatch(/1 to 40/);
  });
});
