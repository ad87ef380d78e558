import { PerformanceObserver } from 'node:perf_hooks';

interface Span {
  start: number;
  end: number;
}

/**
 * Watches the event loop of this process (where the tests host the app) with a 10 ms timer.
 * A stall is a gap between two ticks. It counts for as much of the gap as the loop was busy
 * (event-loop utilization: not waiting for I/O) and the process was on a CPU
 * (`process.cpuUsage`), whichever is less, minus the garbage collector's pauses in it. So a
 * loop blocked by the code under test (a parse, a quadratic walk) shows; a gap where the
 * machine gave the CPU to other processes (a loaded 2-core host) does not, nor a collection
 * whose length depends on the heap of the whole test process (every spec runs in one).
 */
export class StallProbe {
  private timer: NodeJS.Timeout | null = null;
  private lastWall = 0;
  private lastCpu = 0;
  private lastElu = performance.eventLoopUtilization();
  private gaps: Array<Span & { busy: number }> = [];
  private collections: Span[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.collections.push({ start: e.startTime, end: e.startTime + e.duration });
  });

  start(): this {
    this.observer.observe({ entryTypes: ['gc'] });
    this.reset();
    this.timer = setInterval(() => this.tick(), 10);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.observer.disconnect();
  }

  reset(): void {
    this.lastWall = performance.now();
    this.lastCpu = cpuMs();
    this.lastElu = performance.eventLoopUtilization();
    this.gaps = [];
    this.collections = [];
  }

  /** The worst stall since the last reset (a gap still open included): busy milliseconds, the gap they fell in, its collections. */
  check(): { busyMs: number; gapMs: number; gcMs: number } {
    this.tick();
    let worst = { busyMs: 0, gapMs: 0, gcMs: 0 };
    for (const gap of this.gaps) {
      const gc = this.collections.reduce((sum, c) => sum + Math.max(0, Math.min(c.end, gap.end) - Math.max(c.start, gap.start)), 0);
      const busy = Math.max(0, gap.busy - gc);
      if (busy > worst.busyMs) worst = { busyMs: Math.round(busy), gapMs: Math.round(gap.end - gap.start), gcMs: Math.round(gc) };
    }
    return worst;
  }

  private tick(): void {
    const wall = performance.now();
    const cpu = cpuMs();
    const elu = performance.eventLoopUtilization();
    const busy = Math.min(wall - this.lastWall, cpu - this.lastCpu, elu.active - this.lastElu.active);
    if (busy > 20) this.gaps.push({ start: this.lastWall, end: wall, busy });
    this.lastWall = wall;
    this.lastCpu = cpu;
    this.lastElu = elu;
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
