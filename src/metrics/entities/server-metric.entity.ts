import { Column, Entity, Index } from 'typeorm';
import { RawMetricBase } from './raw-metric.base';

/** One server execution. Partitioned by range on `timestamp`. */
@Entity('server_metrics')
@Index('ix_server_metrics_server_id_timestamp', ['serverId', 'timestamp'])
@Index('ix_server_metrics_timestamp', ['timestamp'])
@Index('ix_server_metrics_failures', ['serverId', 'timestamp'], { where: 'NOT "is_success"' })
export class ServerMetric extends RawMetricBase('server_metrics') {
  /** Soft reference to the server in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  serverId: string;

  /** The server's name when the row was written. */
  @Column({ type: 'varchar', length: 255 })
  serverName: string;
}
