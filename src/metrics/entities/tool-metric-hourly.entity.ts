import { Column, Entity, Index, Unique } from 'typeorm';
import { HourlyMetricBase } from './hourly-metric.base';

/** Hourly rollup of `tool_metrics`: one row per tool and hour. */
@Entity('tool_metrics_hourly')
@Unique('uq_tool_metrics_hourly_tool_id_hour_start', ['toolId', 'hourStart'])
@Index('ix_tool_metrics_hourly_hour_start', ['hourStart'])
export class ToolMetricHourly extends HourlyMetricBase('tool_metrics_hourly') {
  /** Soft reference to the tool in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  toolId: string;

  /** The tool's name when the rollup was written. */
  @Column({ type: 'varchar', length: 255 })
  toolName: string;
}
