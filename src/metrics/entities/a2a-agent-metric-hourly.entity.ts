import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { HourlyMetricBase } from './hourly-metric.base';

/** Hourly rollup of `a2a_agent_metrics`: one row per agent, interaction type and hour, and one per day (`period`). */
@Entity('a2a_agent_metrics_hourly')
@Unique('uq_a2a_agent_metrics_hourly_agent_id_type_period_hour_start', ['a2aAgentId', 'interactionType', 'period', 'hourStart'])
@Index('ix_a2a_agent_metrics_hourly_period_hour_start', ['period', 'hourStart'])
@Check('ck_a2a_agent_metrics_hourly_period', `"period" IN ('hour', 'day', 'week')`)
export class A2aAgentMetricHourly extends HourlyMetricBase('a2a_agent_metrics_hourly') {
  /** Soft reference to the A2A agent in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  a2aAgentId: string;

  /** The agent's name when the rollup was written. */
  @Column({ type: 'varchar', length: 255 })
  agentName: string;

  @Column({ type: 'varchar', length: 50, default: 'invoke' })
  interactionType: string;
}
