import { Column, Entity, Index } from 'typeorm';
import { RawMetricBase } from './raw-metric.base';

/** One tool execution. Partitioned by range on `timestamp`. */
@Entity('tool_metrics')
@Index('ix_tool_metrics_tool_id_timestamp', ['toolId', 'timestamp'])
@Index('ix_tool_metrics_timestamp', ['timestamp'])
@Index('ix_tool_metrics_failures', ['toolId', 'timestamp'], { where: 'NOT "is_success"' })
export class ToolMetric extends RawMetricBase('tool_metrics') {
  /** Soft reference to the tool in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  toolId: string;

  /** The tool's name when the row was written. */
  @Column({ type: 'varchar', length: 255 })
  toolName: string;
}
