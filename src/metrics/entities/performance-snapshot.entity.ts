import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One snapshot of one process (host + worker) per interval. Partitioned by range on `timestamp`. */
@Entity('performance_snapshots')
@Index('ix_performance_snapshots_host_timestamp', ['host', 'timestamp'])
@Index('ix_performance_snapshots_timestamp', ['timestamp'])
export class PerformanceSnapshot {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_performance_snapshots' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_performance_snapshots' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 255 })
  host: string;

  @Column({ type: 'varchar', length: 255 })
  workerId: string;

  /** Process metrics at that instant (CPU, memory, event loop, pools, buffers...). */
  @Column({ type: 'jsonb' })
  metricsJson: Record<string, unknown>;
}
