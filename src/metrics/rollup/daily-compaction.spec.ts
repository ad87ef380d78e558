import { ResponseTimeSketch } from '../sketch/response-time-sketch';
import { compactDays, CompactionInputRow } from './daily-compaction';

const day = new Date('2031-03-01T00:00:00Z');
const hour = (h: number) => new Date(day.getTime() + h * 3_600_000);
const sketchOf = (values: number[]) => values.reduce((s, v) => s.add(v), new ResponseTimeSketch());

function row(h: number, values: number[], extra: Partial<CompactionInputRow> = {}): CompactionInputRow {
  return {
    tool_id: 't1',
    day,
    seen: 3,
    name: `name at ${h}`,
    hour_start: hour(h),
    total_count: values.length,
    success_count: values.length - 1,
    min_response_time: Math.min(...values),
    max_response_time: Math.max(...values),
    avg_response_time: values.reduce((a, b) => a + b, 0) / values.length,
    response_time_sketch: sketchOf(values).encode(),
    hour_pending: 0,
    ...extra,
  };
}

describe('compactDays', () => {
  it('adds counts, folds min/max, re-weights the average, merges sketches and keeps the latest name', () => {
    const a = [0.1, 0.2, 0.3];
    const b = [1, 2];
    const [daily] = compactDays([row(3, a), row(7, b)], ['tool_id']);
    expect(daily).toMatchObject({ key: ['t1'], day, seen: 3, name: 'name at 7', total: 5, ok: 3, min: 0.1, max: 2 });
    expect(daily.avg).toBeCloseTo(3.6 / 5, 12);
    const merged = sketchOf([...a, ...b]);
    expect(daily.percentiles).toEqual(merged.percentiles());
    expect(daily.sketch).toEqual(merged.encode());
  });

  it('leaves a day whose hours are not all up to date, or that has no hourly rows left, for later', () => {
    expect(compactDays([row(3, [0.1]), row(4, [0.2], { hour_pending: 2 })], ['tool_id'])).toEqual([]);
    const gone = { ...row(0, [1]), hour_start: null, total_count: null, response_time_sketch: null };
    expect(compactDays([gone], ['tool_id'])).toEqual([]);
  });

  it('gives no percentile when an hour was rolled up before sketches existed', () => {
    const [daily] = compactDays([row(1, [0.5]), row(2, [0.7], { response_time_sketch: null })], ['tool_id']);
    expect(daily).toMatchObject({ total: 2, percentiles: [null, null, null, null] });
  });
});
