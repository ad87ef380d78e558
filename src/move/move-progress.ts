import { MultiBar, Presets, SingleBar } from 'cli-progress';

export interface TablePlan {
  table: string;
  units: number;
  estimatedRows: number;
}

export interface UnitDone {
  table: string;
  unit: string;
  /** copied: the whole unit; merged: the rows the target lacked; skipped: already there. */
  action: 'copied' | 'merged' | 'skipped';
  rows: number;
  /** Rows the unit holds on the source (estimate before it was read). */
  estimatedRows: number;
  route?: string;
  /** Rows derived again on the target from this unit's rows, per derived table (see DerivedTables). */
  derived?: Record<string, number>;
  durationMs: number;
}

/** Where db:move reports what it does: bars on a terminal, JSON lines otherwise. */
export interface MoveProgress {
  start(info: { role: string; source: string; target: string; tables: TablePlan[] }): void;
  rows(table: string, rows: number): void;
  unit(done: UnitDone): void;
  note(message: string): void;
  /** Structured results (the verify table): one JSON line each, or nothing on a terminal (printed as a table). */
  record(event: string, data: Record<string, unknown>): void;
  finish(summary: { rows: number; durationMs: number }): void;
  /** Interrupted: leave the terminal tidy. */
  abort(): void;
}

interface TableState {
  done: number;
  total: number;
  started: number;
  bar?: SingleBar;
}

const perSecond = (rows: number, ms: number) => (ms > 0 ? Math.round((rows * 1000) / ms) : 0);

abstract class TableTracker {
  protected readonly tables = new Map<string, TableState>();

  protected track(tables: TablePlan[]): void {
    for (const t of tables) this.tables.set(t.table, { done: 0, total: t.estimatedRows, started: 0 });
  }

  protected state(table: string): TableState {
    const s = this.tables.get(table)!;
    if (!s.started) s.started = Date.now();
    return s;
  }

  /** A finished unit replaces its estimate with what it really held. */
  protected settle(done: UnitDone): TableState {
    const s = this.state(done.table);
    if (done.action === 'skipped') s.done += done.rows;
    s.total = Math.max(s.done, s.total - done.estimatedRows + done.rows);
    return s;
  }
}

export class JsonProgress extends TableTracker implements MoveProgress {
  private lastLine = 0;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    super();
  }

  private line(event: string, data: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ event, at: new Date().toISOString(), ...data })}\n`);
  }

  start(info: { role: string; source: string; target: string; tables: TablePlan[] }): void {
    this.track(info.tables);
    this.line('start', {
      role: info.role,
      source: info.source,
      target: info.target,
      tables: info.tables.map((t) => ({ table: t.table, units: t.units, estimated_rows: t.estimatedRows })),
    });
  }

  rows(table: string, rows: number): void {
    const s = this.state(table);
    s.done += rows;
    const now = Date.now();
    if (now - this.lastLine < 1000) return;
    this.lastLine = now;
    const rate = perSecond(s.done, now - s.started);
    const eta = rate > 0 ? Math.max(0, Math.round((s.total - s.done) / rate)) : null;
    this.line('progress', { table, rows: s.done, total: s.total, rows_per_second: rate, eta_seconds: eta });
  }

  unit(done: UnitDone): void {
    const s = this.settle(done);
    this.line('unit', {
      table: done.table,
      unit: done.unit,
      action: done.action,
      rows: done.rows,
      ...(done.route ? { route: done.route } : {}),
      ...(done.derived && Object.keys(done.derived).length ? { derived: done.derived } : {}),
      duration_ms: done.durationMs,
      table_rows: s.done,
      table_total: s.total,
    });
  }

  note(message: string): void {
    this.line('note', { message });
  }

  record(event: string, data: Record<string, unknown>): void {
    this.line(event, data);
  }

  abort(): void {
    this.line('interrupted', {});
  }

  finish(summary: { rows: number; durationMs: number }): void {
    this.line('done', {
      rows: summary.rows,
      duration_ms: summary.durationMs,
      rows_per_second: perSecond(summary.rows, summary.durationMs),
    });
  }
}

/** One bar per table: rows, rows/s, ETA. */
export class BarProgress extends TableTracker implements MoveProgress {
  private readonly bars: MultiBar;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    super();
    this.bars = new MultiBar(
      {
        stream: out,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 200,
        // db:move handles Ctrl+C itself (see src/cli/db-move.ts); off a terminal, print now and then.
        gracefulExit: false,
        noTTYOutput: out.isTTY !== true,
        notTTYSchedule: 2000,
        format: '{table} |{bar}| {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
      },
      Presets.shades_classic,
    );
  }

  start(info: { role: string; source: string; target: string; tables: TablePlan[] }): void {
    this.bars.log(`moving ${info.role}: ${info.source} → ${info.target}\n`);
    this.track(info.tables);
    const width = Math.max(...info.tables.map((t) => t.table.length), 5);
    for (const t of info.tables) {
      this.tables.get(t.table)!.bar = this.bars.create(Math.max(1, t.estimatedRows), 0, { table: t.table.padEnd(width), rate: 0 });
    }
  }

  rows(table: string, rows: number): void {
    const s = this.state(table);
    s.done += rows;
    s.bar?.setTotal(Math.max(s.total, s.done, 1));
    s.bar?.update(s.done, { rate: perSecond(s.done, Date.now() - s.started) });
  }

  unit(done: UnitDone): void {
    const s = this.settle(done);
    s.bar?.setTotal(Math.max(s.total, 1));
    s.bar?.update(s.done, { rate: perSecond(s.done, Date.now() - s.started) });
  }

  note(message: string): void {
    this.bars.log(`${message}\n`);
  }

  record(): void {
    // Shown as a table once the bars are stopped.
  }

  abort(): void {
    this.bars.stop();
  }

  finish(summary: { rows: number; durationMs: number }): void {
    this.bars.stop();
    this.out.write(
      `${summary.rows} rows in ${(summary.durationMs / 1000).toFixed(1)} s (${perSecond(summary.rows, summary.durationMs)} rows/s)\n`,
    );
  }
}

/** Bars on a terminal (or when asked), JSON lines otherwise. */
export function progressFor(mode: 'auto' | 'bar' | 'json'): { progress: MoveProgress; terminal: boolean } {
  const terminal = mode === 'bar' || (mode === 'auto' && process.stdout.isTTY === true);
  return { progress: terminal ? new BarProgress() : new JsonProgress(), terminal };
}
