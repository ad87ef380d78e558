import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { HourlyMetricBase } from './hourly-metric.base';

/** Hourly rollup of `tool_metrics`: one row per tool and hour, and one per tool and day (`period`). */
@Entity('tool_metrics_hourly')
@Unique('uq_tool_metrics_hourly_tool_id_period_hour_start', ['toolId', 'period', 'hourStart'])
@Index('ix_tool_metrics_hourly_period_hour_start', ['period', 'hourStart'])
@Check('ck_tool_metrics_hourly_period', `"period" IN ('hour', 'day', 'week')`)
export class ToolMetricHourly extends HourlyMetricBase('tool_metrics_hourly') {
  /** Soft reference to the tool in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  toolId: string;

  /** The tool's name when the rollup was written. */
  @Column({ type: 'varchar', length: 255 })
  toolName: string;
}
