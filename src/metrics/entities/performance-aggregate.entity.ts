import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';

/**
 * Hourly or daily aggregate of request traffic and resource use per host. Not
 * partitioned. `host` is NOT NULL because it is part of the unique key: an aggregate
 * over every host uses the host value `*`.
 */
@Entity('performance_aggregates')
@Unique('uq_performance_aggregates_period_type_period_start_host', ['periodType', 'periodStart', 'host'])
@Index('ix_performance_aggregates_period_start', ['periodStart'])
@Check('ck_performance_aggregates_period_type', `"period_type" IN ('hourly', 'daily')`)
export class PerformanceAggregate {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_performance_aggregates' })
  id: string;

  @Column({ type: 'timestamptz' })
  periodStart: Date;

  @Column({ type: 'timestamptz' })
  periodEnd: Date;

  /** `hourly` | `daily`. */
  @Column({ type: 'varchar', length: 20 })
  periodType: string;

  @Column({ type: 'varchar', length: 255 })
  host: string;

  /** bigint: a day of traffic can exceed 2^31 requests; returned by pg as a string. */
  @Column({ type: 'bigint', default: 0 })
  requestsTotal: string;

  /** Named explicitly: the naming strategy would map `requests2xx` to `requests2xx`. */
  @Column({ name: 'requests_2xx', type: 'bigint', default: 0 })
  requests2xx: string;

  @Column({ name: 'requests_4xx', type: 'bigint', default: 0 })
  requests4xx: string;

  @Column({ name: 'requests_5xx', type: 'bigint', default: 0 })
  requests5xx: string;

  @Column({ type: 'double precision', nullable: true })
  avgResponseTimeMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  p95ResponseTimeMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  peakRequestsPerSecond: number | null;

  @Column({ type: 'double precision', nullable: true })
  avgCpuPercent: number | null;

  @Column({ type: 'double precision', nullable: true })
  peakCpuPercent: number | null;

  @Column({ type: 'double precision', nullable: true })
  avgMemoryPercent: number | null;

  @Column({ type: 'double precision', nullable: true })
  peakMemoryPercent: number | null;

  @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
