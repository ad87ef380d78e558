import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { HourlyMetricBase } from './hourly-metric.base';

/** Hourly rollup of `server_metrics`: one row per server and hour, and one per server and day (`period`). */
@Entity('server_metrics_hourly')
@Unique('uq_server_metrics_hourly_server_id_period_hour_start', ['serverId', 'period', 'hourStart'])
@Index('ix_server_metrics_hourly_period_hour_start', ['period', 'hourStart'])
@Check('ck_server_metrics_hourly_period', `"period" IN ('hour', 'day', 'week')`)
export class ServerMetricHourly extends HourlyMetricBase('server_metrics_hourly') {
  /** Soft reference to the server in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  serverId: string;

  /** The server's name when the rollup was written. */
  @Column({ type: 'varchar', length: 255 })
  serverName: string;
}
