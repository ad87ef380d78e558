import { Column, Entity, Index, Unique } from 'typeorm';
import { HourlyMetricBase } from './hourly-metric.base';

/** Hourly rollup of `prompt_metrics`: one row per prompt and hour. */
@Entity('prompt_metrics_hourly')
@Unique('uq_prompt_metrics_hourly_prompt_id_hour_start', ['promptId', 'hourStart'])
@Index('ix_prompt_metrics_hourly_hour_start', ['hourStart'])
export class PromptMetricHourly extends HourlyMetricBase('prompt_metrics_hourly') {
  /** Soft reference to the prompt in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  promptId: string;

  /** The prompt's name when the rollup was written. */
  @Column({ type: 'varchar', length: 255 })
  promptName: string;
}
