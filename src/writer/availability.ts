import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeError } from '../common/pg-errors';
import { WriterSettings } from '../config/settings';
import { withPooledClient } from './pooled-client';

/** One round of the probe loop: probe what needs it and act on the answers (replay spools). */
export interface ProbeRound {
  run(): Promise<void>;
  /** Whether another round is needed: a database still marked down, or a spool still holding rows. */
  pending(): boolean;
}

/**
 * Whether the writer reaches each database, per DataSource (roles that share a database
 * share its state). A write that fails for availability marks it down; from then on a
 * probe loop runs every WRITER_PROBE_MS until nothing is pending.
 */
export class Availability {
  /** false once a write failed for availability, until a probe succeeds. */
  private readonly available = new Map<DataSource, boolean>();
  private probeTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly settings: Pick<WriterSettings, 'probeMs' | 'timeoutMs' | 'spoolDir'>,
    private readonly round: ProbeRound,
    private readonly logger: Logger,
  ) {}

  isAvailable(dataSource: DataSource): boolean {
    return dataSource.isInitialized && this.available.get(dataSource) !== false;
  }

  markUnavailable(dataSource: DataSource, error: unknown): void {
    if (this.available.get(dataSource) !== false) {
      this.logger.warn(
        `${String(dataSource.options.name)} database unavailable for writes (${describeError(error)}): spooling to ${this.settings.spoolDir}`,
      );
    }
    this.available.set(dataSource, false);
    this.ensureProbe();
  }

  /** SELECT 1 within the probe deadline; records the answer. */
  async probe(dataSource: DataSource): Promise<boolean> {
    if (!dataSource.isInitialized) return false;
    const { timeoutMs, probeMs } = this.settings;
    try {
      await withPooledClient(dataSource, Math.min(timeoutMs, Math.max(probeMs, 1000)), (client) => client.query('SELECT 1'));
      if (this.available.get(dataSource) === false)
        this.logger.log(`${String(dataSource.options.name)} database answers again: replaying spool`);
      this.available.set(dataSource, true);
      return true;
    } catch {
      this.available.set(dataSource, false);
      return false;
    }
  }

  /** Starts the probe loop unless it runs already (or the writer is stopping). */
  ensureProbe(): void {
    if (this.probeTimer || this.stopped) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.round.run().finally(() => {
        if (this.round.pending()) this.ensureProbe();
      });
    }, this.settings.probeMs);
    this.probeTimer.unref();
  }

  /** Ends the probe loop for good (shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }
}
