import { Column, Entity, Index } from 'typeorm';
import { RawMetricBase } from './raw-metric.base';

/** One resource execution. Partitioned by range on `timestamp`. */
@Entity('resource_metrics')
@Index('ix_resource_metrics_resource_id_timestamp', ['resourceId', 'timestamp'])
@Index('ix_resource_metrics_timestamp', ['timestamp'])
@Index('ix_resource_metrics_failures', ['resourceId', 'timestamp'], { where: 'NOT "is_success"' })
export class ResourceMetric extends RawMetricBase('resource_metrics') {
  /** Soft reference to the resource in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  /** The resource's name when the row was written. */
  @Column({ type: 'varchar', length: 255 })
  resourceName: string;
}
