import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { HourlyMetricBase } from './hourly-metric.base';

/** Hourly rollup of `resource_metrics`: one row per resource and hour, and one per resource and day (`period`). */
@Entity('resource_metrics_hourly')
@Unique('uq_resource_metrics_hourly_resource_id_period_hour_start', ['resourceId', 'period', 'hourStart'])
@Index('ix_resource_metrics_hourly_period_hour_start', ['period', 'hourStart'])
@Check('ck_resource_metrics_hourly_period', `"period" IN ('hour', 'day', 'week')`)
export class ResourceMetricHourly extends HourlyMetricBase('resource_metrics_hourly') {
  /** Soft reference to the resource in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  /** The resource's name when the rollup was written. */
  @Column({ type: 'varchar', length: 255 })
  resourceName: string;
}
