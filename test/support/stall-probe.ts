/**
 * Watches the event loop of this process (where the tests host the app) with a 10 ms timer.
 * A stall is a gap between two ticks; it counts for as much of the gap as the process spent
 * on CPU meanwhile (`process.cpuUsage`), so that a loop blocked by this process's own work
 * (a parse, a quadratic walk) shows, while a gap where the machine simply gave the CPU to
 * other processes (a loaded 2-core host) does not.
 */
export class StallProbe {
  private timer: NodeJS.Timeout | null = null;
  private lastWall = 0;
  private lastCpu = 0;
  /** Worst stall since the last reset: busy milliseconds, and the wall-clock gap they fell in. */
  worst = { busyMs: 0, gapMs: 0 };

  start(): this {
    this.reset();
    this.timer = setInterval(() => this.tick(), 10);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  reset(): void {
    this.lastWall = performance.now();
    this.lastCpu = cpuMs();
    this.worst = { busyMs: 0, gapMs: 0 };
  }

  /** Takes account of a gap still open (the loop just came back from a long task). */
  check(): { busyMs: number; gapMs: number } {
    this.tick();
    return this.worst;
  }

  private tick(): void {
    const wall = performance.now();
    const cpu = cpuMs();
    const gap = wall - this.lastWall;
    const busy = Math.min(gap, cpu - this.lastCpu);
    if (busy > this.worst.busyMs) this.worst = { busyMs: Math.round(busy), gapMs: Math.round(gap) };
    this.lastWall = wall;
    this.lastCpu = cpu;
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
