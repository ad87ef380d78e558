import { HOUR_MS } from '../../common/time';

/**
 * What the service graph fold (service-graph.service.ts) does on a run, and which parts of a
 * window a read takes from folded hours or from raw spans. Pure: times in epoch milliseconds,
 * hours by their start.
 */

/** Closed hours looked at again on every run: a span stored later than this after its hour ends is not in the graph. */
export const RECHECK_HOURS = 6;
/** Hours with no fold, older than the recheck horizon, folded per run (newest first): a backfill after an upgrade or an outage. */
export const BACKFILL_HOURS_PER_RUN = 24;

export const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
export const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;

export interface FoldInputs {
  /** Start of the current hour: every hour before it is closed. */
  currentHour: number;
  /** The oldest hour kept (observability retention). */
  oldestHour: number;
  /** Spans started per hour over the recheck horizon (hours with none are absent). */
  spanCounts: ReadonlyMap<number, number>;
  /** Folded hours (over the retention) with the span count their fold saw. */
  folded: ReadonlyMap<number, number>;
}

/**
 * The hours to fold, newest first. Within the recheck horizon: every hour whose span count is not
 * the one its fold saw (or that has no fold), with its neighbours, since a fold of hour H joins
 * children of H to parents of H-1 to H+1. Before the horizon: up to BACKFILL_HOURS_PER_RUN hours
 * with no fold.
 */
export function hoursToFold({ currentHour, oldestHour, spanCounts, folded }: FoldInputs): number[] {
  const horizon = Math.max(oldestHour, currentHour - RECHECK_HOURS * HOUR_MS);
  const chosen = new Set<number>();
  for (let h = horizon; h < currentHour; h += HOUR_MS) {
    if (folded.get(h) === (spanCounts.get(h) ?? 0)) continue;
    for (const n of [h - HOUR_MS, h, h + HOUR_MS]) if (n >= oldestHour && n < currentHour) chosen.add(n);
  }
  let backfill = 0;
  for (let h = horizon - HOUR_MS; h >= oldestHour && backfill < BACKFILL_HOURS_PER_RUN; h -= HOUR_MS) {
    if (folded.has(h) || chosen.has(h)) continue;
    chosen.add(h);
    backfill++;
  }
  return [...chosen].sort((a, b) => b - a);
}

export interface Range {
  from: number;
  to: number;
}

/** The parts of [from, to) not covered by a folded hour that lies wholly inside it, as few ranges as can be. */
export function rawRanges(from: number, to: number, folded: ReadonlySet<number>): Range[] {
  const ranges: Range[] = [];
  const add = (a: number, b: number) => {
    if (a >= b) return;
    const last = ranges[ranges.length - 1];
    if (last && last.to === a) last.to = b;
    else ranges.push({ from: a, to: b });
  };
  const first = ceilHour(from);
  const end = floorHour(to);
  if (first >= end) {
    add(from, to);
    return ranges;
  }
  add(from, first);
  for (let h = first; h < end; h += HOUR_MS) if (!folded.has(h)) add(h, h + HOUR_MS);
  add(end, to);
  return ranges;
}

export interface Edge {
  parent: string;
  child: string;
  call_count: number;
}

/** Edges of several parts of a window added up per (parent, child), ordered by parent then child. */
export function addEdges(parts: ReadonlyArray<ReadonlyArray<Edge>>): Edge[] {
  const sums = new Map<string, Edge>();
  for (const part of parts)
    for (const e of part) {
      const key = JSON.stringify([e.parent, e.child]);
      const seen = sums.get(key);
      if (seen) seen.call_count += Number(e.call_count);
      else sums.set(key, { parent: e.parent, child: e.child, call_count: Number(e.call_count) });
    }
  return [...sums.values()].sort((a, b) => comparePairs(a.parent, a.child, b.parent, b.child));
}

/** Orders by a first key, then a second one (code units, as the answers have always been sorted). */
export function comparePairs(a1: string, a2: string, b1: string, b2: string): number {
  if (a1 !== b1) return a1 < b1 ? -1 : 1;
  return a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
}
