import { Column, Entity, Index } from 'typeorm';
import { RawMetricBase } from './raw-metric.base';

/** One A2A agent interaction. Partitioned by range on `timestamp`. */
@Entity('a2a_agent_metrics')
@Index('ix_a2a_agent_metrics_a2a_agent_id_timestamp', ['a2aAgentId', 'timestamp'])
@Index('ix_a2a_agent_metrics_timestamp', ['timestamp'])
@Index('ix_a2a_agent_metrics_failures', ['a2aAgentId', 'timestamp'], { where: 'NOT "is_success"' })
export class A2aAgentMetric extends RawMetricBase('a2a_agent_metrics') {
  /** Soft reference to the A2A agent in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  a2aAgentId: string;

  /** The agent's name when the row was written. */
  @Column({ type: 'varchar', length: 255 })
  agentName: string;

  @Column({ type: 'varchar', length: 50, default: 'invoke' })
  interactionType: string;
}
