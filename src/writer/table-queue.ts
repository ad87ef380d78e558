import { Batch, CopyColumn } from './copy-encoding';

export interface TableQueueLimits {
  /** Rows per COPY batch: consecutive appends with the same columns share a segment until it holds this many. */
  batchRows: number;
  /** Rows the table may hold, buffered plus in flight, before appends are refused. */
  maxRows: number;
}

const sameColumns = (a: CopyColumn[], b: CopyColumn[]) => a.length === b.length && a.every((c, i) => c.name === b[i].name);

/**
 * One table's bounded buffer: rows in arrival order, in segments of one column list each,
 * and the rows taken out for writing whose fate (written, spooled, put back) is not settled.
 * No timers, no database: the writer decides when to take.
 */
export class TableQueue {
  private readonly segments: Batch[] = [];
  private bufferedRows = 0;
  private flyingRows = 0;
  private flights = 0;

  constructor(private readonly limits: TableQueueLimits) {}

  /** Rows waiting in the buffer. */
  get buffered(): number {
    return this.bufferedRows;
  }

  /** Batches taken and not yet settled. */
  get inFlight(): number {
    return this.flights;
  }

  /** Rows accepted and not yet written or spooled: buffered plus in flight. */
  get queued(): number {
    return this.bufferedRows + this.flyingRows;
  }

  hasRoom(rows: number): boolean {
    return this.queued + rows <= this.limits.maxRows;
  }

  /** Buffers encoded rows; the queue keeps `lines` (and may append to it), so pass an array nobody else holds. */
  append(columns: CopyColumn[], lines: string[]): void {
    const last = this.segments[this.segments.length - 1];
    if (last && sameColumns(last.columns, columns) && last.lines.length < this.limits.batchRows) {
      for (const line of lines) last.lines.push(line);
    } else {
      this.segments.push({ columns, lines });
    }
    this.bufferedRows += lines.length;
  }

  /** Takes up to `max` buffered rows of one column list, oldest first; they stay queued (in flight) until `settle`. */
  take(max: number): Batch | null {
    const first = this.segments[0];
    if (!first) return null;
    let batch: Batch;
    if (first.lines.length <= max) {
      this.segments.shift();
      batch = first;
    } else {
      batch = { columns: first.columns, lines: first.lines.splice(0, max) };
    }
    this.bufferedRows -= batch.lines.length;
    this.flights++;
    this.flyingRows += batch.lines.length;
    return batch;
  }

  /** Puts rows back at the head of the buffer (nothing could take them); the batch they came in still needs `settle`. */
  putBack(batch: Batch): void {
    // A copy: the caller still holds `batch` (in-flight accounting), and new rows appended to
    // the head segment must not change it.
    this.segments.unshift({ columns: batch.columns, lines: batch.lines.slice() });
    this.bufferedRows += batch.lines.length;
  }

  /** A batch from `take` is done with: its rows no longer count as in flight. */
  settle(batch: Batch): void {
    this.flights--;
    this.flyingRows -= batch.lines.length;
  }
}
