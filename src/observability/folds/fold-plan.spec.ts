import { HOUR_MS } from '../../common/time';
import { addEdges, BACKFILL_HOURS_PER_RUN, hoursToFold, rawRanges, RECHECK_HOURS } from './fold-plan';

const h = (n: number) => n * HOUR_MS;

describe('hoursToFold', () => {
  const currentHour = h(1000);
  const oldestHour = h(1000 - 100);
  const allFolded = (counts: Map<number, number>) => {
    const folded = new Map<number, number>();
    for (let x = oldestHour; x < currentHour; x += HOUR_MS) folded.set(x, counts.get(x) ?? 0);
    return folded;
  };

  it('folds nothing when every hour is folded with the counts it has', () => {
    const spanCounts = new Map([[h(998), 5]]);
    expect(hoursToFold({ currentHour, oldestHour, spanCounts, folded: allFolded(spanCounts) })).toEqual([]);
  });

  it('folds a changed hour of the horizon with its closed neighbours, newest first', () => {
    const spanCounts = new Map([[h(997), 5]]);
    const folded = allFolded(new Map([[h(997), 4]]));
    expect(hoursToFold({ currentHour, oldestHour, spanCounts, folded })).toEqual([h(998), h(997), h(996)]);
    // The newest closed hour has no closed neighbour after it.
    const newest = allFolded(new Map([[h(999), 1]]));
    expect(hoursToFold({ currentHour, oldestHour, spanCounts: new Map(), folded: newest })).toEqual([h(999), h(998)]);
  });

  it('folds hours of the horizon with no fold, empty ones too', () => {
    const folded = allFolded(new Map());
    folded.delete(h(995));
    expect(hoursToFold({ currentHour, oldestHour, spanCounts: new Map(), folded })).toEqual([h(996), h(995), h(994)]);
  });

  it('backfills older hours with no fold, a bounded number per run, and never before the oldest hour kept', () => {
    const horizon = currentHour - RECHECK_HOURS * HOUR_MS;
    const folded = new Map<number, number>();
    for (let x = horizon; x < currentHour; x += HOUR_MS) folded.set(x, 0);
    const run = hoursToFold({ currentHour, oldestHour, spanCounts: new Map(), folded });
    expect(run).toHaveLength(BACKFILL_HOURS_PER_RUN);
    expect(run[0]).toBe(horizon - HOUR_MS);
    const short = hoursToFold({ currentHour, oldestHour: horizon - 2 * HOUR_MS, spanCounts: new Map(), folded });
    expect(short).toEqual([horizon - HOUR_MS, horizon - 2 * HOUR_MS]);
  });
});

describe('rawRanges', () => {
  it('leaves out whole folded hours inside the window and joins what is left', () => {
    const folded = new Set([h(10), h(11), h(13)]);
    expect(rawRanges(h(9.5), h(14.25), folded)).toEqual([
      { from: h(9.5), to: h(10) },
      { from: h(12), to: h(13) },
      { from: h(14), to: h(14.25) },
    ]);
    expect(rawRanges(h(10), h(12), folded)).toEqual([]);
  });

  it('scans the whole window when no whole hour lies inside it', () => {
    expect(rawRanges(h(10.25), h(10.75), new Set([h(10)]))).toEqual([{ from: h(10.25), to: h(10.75) }]);
    expect(rawRanges(h(10.5), h(11.5), new Set([h(10), h(11)]))).toEqual([{ from: h(10.5), to: h(11.5) }]);
  });
});

describe('addEdges', () => {
  it('adds parts up per pair, counts given as text too, ordered', () => {
    expect(
      addEdges([
        [{ parent: 'b', child: 'c', call_count: 2 }],
        [
          { parent: 'a', child: 'b', call_count: '3' as unknown as number },
          { parent: 'b', child: 'c', call_count: 1 },
        ],
      ]),
    ).toEqual([
      { parent: 'a', child: 'b', call_count: 3 },
      { parent: 'b', child: 'c', call_count: 3 },
    ]);
  });
});
