import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { HourlyMetricBase } from './hourly-metric.base';

/** Hourly rollup of `prompt_metrics`: one row per prompt and hour, and one per prompt and day (`period`). */
@Entity('prompt_metrics_hourly')
@Unique('uq_prompt_metrics_hourly_prompt_id_period_hour_start', ['promptId', 'period', 'hourStart'])
@Index('ix_prompt_metrics_hourly_period_hour_start', ['period', 'hourStart'])
@Check('ck_prompt_metrics_hourly_period', `"period" IN ('hour', 'day', 'week')`)
export class PromptMetricHourly extends HourlyMetricBase('prompt_metrics_hourly') {
  /** Soft reference to the prompt in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  promptId: string;

  /** The prompt's name when the rollup was written. */
  @Column({ type: 'varchar', length: 255 })
  promptName: string;
}
