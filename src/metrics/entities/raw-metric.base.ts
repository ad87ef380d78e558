import { Column, PrimaryColumn } from 'typeorm';

/**
 * Columns shared by the five raw execution tables (tool, server, resource, prompt and
 * A2A agent metrics), built per table so that the primary key carries the table's own
 * constraint name (`pk_<table>`).
 *
 * Each table is `PARTITION BY RANGE ("timestamp")`, so the time column is part of the
 * primary key. The id is a time-ordered UUID assigned by the service at ingest.
 * Subclasses add the soft reference to the entity (`{entity}_id`, no FK: the entity
 * lives in the core database), the entity's name captured at write time, and indexes.
 */
export function RawMetricBase(table: string) {
  abstract class RawMetric {
    @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: `pk_${table}` })
    id: string;

    @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: `pk_${table}` })
    timestamp: Date;

    /** Seconds. */
    @Column({ type: 'double precision' })
    responseTime: number;

    @Column({ type: 'boolean' })
    isSuccess: boolean;

    @Column({ type: 'text', nullable: true })
    errorMessage: string | null;

    /** The span's `error.type` of a failed execution (migration 1796100000000). */
    @Column({ type: 'varchar', length: 255, nullable: true })
    errorType: string | null;

    /** The trace of the span the row was derived from. */
    @Column({ type: 'varchar', length: 32, nullable: true })
    traceId: string | null;

    /** The MCP session of that span (`mcp.session.id`), when it names one. */
    @Column({ type: 'varchar', length: 255, nullable: true })
    sessionId: string | null;
  }
  return RawMetric;
}
