/**
 * A short, bounded wait for room in the write buffers before an ingest request is refused
 * (before its body is read, and again before its rows are buffered).
 * Buffers empty in steps of one COPY batch (tens of milliseconds), while a 503 or 429 sends
 * the client away for whole seconds (`Retry-After` has no finer unit): holding a request,
 * its body still unread, until the next batch is written keeps ingest moving at the
 * database's pace. Bounded in time and in the number of requests held; the event loop is
 * never blocked (a timer per waiting request).
 */
export class RoomWait {
  private waiting = 0;

  constructor(
    /** Longest wait, in milliseconds (WRITER_FLUSH_MS: a buffer that has not drained by then will not soon). */
    private readonly maxWaitMs: number,
    /** Requests held at once; beyond that, refused at once. */
    private readonly maxWaiting = 64,
    private readonly pollMs = 5,
  ) {}

  /** Resolves true as soon as `hasRoom()` is true, false when the wait is over (or too many wait already). */
  async until(hasRoom: () => boolean): Promise<boolean> {
    if (hasRoom()) return true;
    if (this.maxWaitMs <= 0 || this.waiting >= this.maxWaiting) return false;
    this.waiting++;
    try {
      const deadline = performance.now() + this.maxWaitMs;
      while (performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, this.pollMs));
        if (hasRoom()) return true;
      }
      return false;
    } finally {
      this.waiting--;
    }
  }
}
