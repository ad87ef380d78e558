import { MAX_SAMPLES, OperationWindow, percentile, RateTracker } from './window-stats';

describe('window statistics', () => {
  it('percentiles interpolate like percentile_cont', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([0, 10], 0.95)).toBeCloseTo(9.5);
  });

  it('counts, errors and status classes; samples stay bounded', () => {
    const w = new OperationWindow(() => 0.999999);
    w.add(5, 200);
    w.add(15, 404);
    w.add(10, 503);
    expect(w).toMatchObject({ count: 3, errors: 1, sum: 30, min: 5, max: 15, status: { '2xx': 1, '4xx': 1, '5xx': 1 } });
    for (let i = 0; i < MAX_SAMPLES * 2; i++) w.add(1, 200);
    expect(w.samples).toHaveLength(MAX_SAMPLES);
  });

  it('tracks the busiest second', () => {
    const r = new RateTracker();
    for (const t of [1000, 1100, 1999, 2000, 3000, 3001, 3002, 3500]) r.hit(t);
    expect(r.peak).toBe(4);
    r.reset();
    expect(r.peak).toBe(0);
  });
});
