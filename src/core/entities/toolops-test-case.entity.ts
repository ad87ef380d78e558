import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Tool } from './tool.entity';

/** One test case of a tool (an element of `test_cases`). */
export interface ToolTestCase {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  expected_output: Record<string, unknown> | null;
  assertion: string | null;
  created_at: string;
  updated_at: string;
  created_by: string;
}

/** `toolops_test_cases`: The test cases of a tool and the status of their last run; deleted with the tool. */
@Entity('toolops_test_cases')
export class ToolopsTestCase {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_toolops_test_cases' })
  toolId: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  testCases: ToolTestCase[];

  @Column({ type: 'varchar', length: 255, nullable: true })
  runStatus: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Tool, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tool_id', foreignKeyConstraintName: 'fk_toolops_test_cases_tool_id' })
  tool?: Relation<Tool>;
}
