import { Column, Entity, Index } from 'typeorm';
import { RawMetricBase } from './raw-metric.base';

/** One prompt execution. Partitioned by range on `timestamp`. */
@Entity('prompt_metrics')
@Index('ix_prompt_metrics_prompt_id_timestamp', ['promptId', 'timestamp'])
@Index('ix_prompt_metrics_timestamp', ['timestamp'])
@Index('ix_prompt_metrics_failures', ['promptId', 'timestamp'], { where: 'NOT "is_success"' })
export class PromptMetric extends RawMetricBase('prompt_metrics') {
  /** Soft reference to the prompt in the core database (no FK). */
  @Column({ type: 'varchar', length: 36 })
  promptId: string;

  /** The prompt's name when the row was written. */
  @Column({ type: 'varchar', length: 255 })
  promptName: string;
}
