import { bucketDelta, bucketQuantile, counterIncreases, explicitBuckets, exponentialBuckets, mergeBuckets } from './series-math';

describe('series math', () => {
  describe('counterIncreases', () => {
    it('adds delta points as they are', () => {
      expect(
        counterIncreases(
          [
            { t: 1, start: 0, value: 3 },
            { t: 2, start: 1, value: 4 },
          ],
          'delta',
          0,
        ),
      ).toEqual([3, 4]);
    });

    it('takes differences of cumulative points, the first one the baseline', () => {
      const points = [10, 15, 15, 27].map((value, i) => ({ t: 100 + i, start: 0, value }));
      expect(counterIncreases(points, 'cumulative', 50)).toEqual([0, 5, 0, 12]);
    });

    it('counts a series started inside the window from zero', () => {
      expect(counterIncreases([{ t: 100, start: 60, value: 8 }], 'cumulative', 50)).toEqual([8]);
    });

    it('handles resets: a value that went down, or a new start time', () => {
      const points = [
        { t: 1, start: 0, value: 100 },
        { t: 2, start: 0, value: 120 },
        { t: 3, start: 0, value: 5 }, // the process restarted, reported without a new start
        { t: 4, start: 3, value: 9 }, // a new start time, value above the last: still a reset
        { t: 5, start: 3, value: 10 },
      ];
      expect(counterIncreases(points, 'cumulative', 1)).toEqual([0, 20, 5, 9, 1]);
    });
  });

  describe('buckets', () => {
    it('spells explicit bounds as ranges with open ends', () => {
      expect(explicitBuckets([10, 50], [1, 2, 3])).toEqual([
        { lower: -Infinity, upper: 10, count: 1 },
        { lower: 10, upper: 50, count: 2 },
        { lower: 50, upper: Infinity, count: 3 },
      ]);
    });

    it('spells exponential buckets from scale and offset, negatives mirrored, zeros apart', () => {
      const b = exponentialBuckets({
        scale: 0,
        zero_count: 1,
        positive: { offset: 1, counts: [2, 3] },
        negative: { offset: 0, counts: [4] },
      });
      expect(b).toEqual([
        { lower: -2, upper: -1, count: 4 },
        { lower: 0, upper: 0, count: 1 },
        { lower: 2, upper: 4, count: 2 },
        { lower: 4, upper: 8, count: 3 },
      ]);
      const fine = exponentialBuckets({
        scale: 1,
        zero_count: 0,
        positive: { offset: 2, counts: [1] },
        negative: { offset: 0, counts: [] },
      });
      expect(fine[0].lower).toBeCloseTo(2);
      expect(fine[0].upper).toBeCloseTo(2 * Math.SQRT2);
    });

    it('differences two cumulative points, and restarts when a bucket went down or the layout changed', () => {
      const a = explicitBuckets([10], [2, 3]);
      const b = explicitBuckets([10], [5, 3]);
      expect(bucketDelta(a, b).map((x) => x.count)).toEqual([3, 0]);
      expect(bucketDelta(b, a).map((x) => x.count)).toEqual([2, 3]);
      expect(bucketDelta(a, explicitBuckets([20], [9, 9])).map((x) => x.count)).toEqual([9, 9]);
      expect(bucketDelta(null, a)).toEqual(a);
    });

    it('merges the buckets of several points', () => {
      expect(mergeBuckets([explicitBuckets([10], [1, 2]), explicitBuckets([10], [3, 4])]).map((x) => x.count)).toEqual([4, 6]);
    });
  });

  describe('bucketQuantile', () => {
    const buckets = explicitBuckets([10, 50, 100, 500], [1, 2, 1, 1, 0]); // 5, 20, 20, 70, 300

    it('interpolates within the bucket holding the rank', () => {
      expect(bucketQuantile(buckets, 0.5, {})).toBeCloseTo(10 + 40 * (1.5 / 2));
      expect(bucketQuantile(buckets, 0.99, {})).toBeCloseTo(100 + 400 * (0.95 / 1));
    });

    it('answers the finite edge of an open bucket, clamped to the observed min and max', () => {
      expect(bucketQuantile(buckets, 0.1, { min: 5 })).toBeCloseTo(5 + 5 * 0.5);
      expect(bucketQuantile(explicitBuckets([10], [0, 4]), 0.99, { max: 42 })).toBeCloseTo(10 + 32 * 0.99);
      expect(bucketQuantile(explicitBuckets([10], [0, 4]), 0.99, {})).toBe(10);
      expect(bucketQuantile(buckets, 0.99, { max: 300 })).toBe(300);
    });

    it('is null with no observations', () => {
      expect(bucketQuantile(explicitBuckets([10], [0, 0]), 0.5)).toBeNull();
      expect(bucketQuantile([], 0.5)).toBeNull();
    });
  });
});
