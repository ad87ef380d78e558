import { Column, CreateDateColumn, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Columns shared by the five hourly rollup tables, built per table so that the primary
 * key carries the table's own constraint name (`pk_<table>`).
 *
 * One row per entity per hour and one per entity per day (`period`; per interaction type
 * for A2A agents). Not partitioned: the volume is bounded by entities x hours. Subclasses
 * add `{entity}_id`, `{entity}_name` and the unique key.
 */
export function HourlyMetricBase(table: string) {
  abstract class HourlyMetric {
    @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: `pk_${table}` })
    id: string;

    /** 'hour', 'day' (daily compaction) or 'week' (weekly compaction of daily rows, Monday 00:00 UTC). */
    @Column({ type: 'varchar', length: 10, default: 'hour' })
    period: 'hour' | 'day' | 'week';

    /** Start of the period (the day's first hour for a daily row). */
    @Column({ type: 'timestamptz' })
    hourStart: Date;

    @Column({ type: 'integer' })
    totalCount: number;

    @Column({ type: 'integer' })
    successCount: number;

    @Column({ type: 'integer' })
    failureCount: number;

    /** Response times in seconds; null when the hour had nothing to compute them from. */
    @Column({ type: 'double precision', nullable: true })
    minResponseTime: number | null;

    @Column({ type: 'double precision', nullable: true })
    maxResponseTime: number | null;

    @Column({ type: 'double precision', nullable: true })
    avgResponseTime: number | null;

    @Column({ type: 'double precision', nullable: true })
    p50ResponseTime: number | null;

    @Column({ type: 'double precision', nullable: true })
    p90ResponseTime: number | null;

    @Column({ type: 'double precision', nullable: true })
    p95ResponseTime: number | null;

    @Column({ type: 'double precision', nullable: true })
    p99ResponseTime: number | null;

    /** The period's response times as DDSketch bins (metrics/sketch): mergeable, 1 % relative accuracy. */
    @Column({ type: 'bytea', nullable: true })
    responseTimeSketch: Buffer | null;

    /**
     * Raw write statements that touched this period since the row was computed (bumped by a
     * trigger on the raw table). Above 0 the row is stale: readers use raw rows, the next
     * rollup recomputes it.
     */
    @Column({ type: 'integer', default: 0 })
    pendingChanges: number;

    @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
    createdAt: Date;

    @UpdateDateColumn({ type: 'timestamptz', default: () => 'now()' })
    updatedAt: Date;
  }
  return HourlyMetric;
}
