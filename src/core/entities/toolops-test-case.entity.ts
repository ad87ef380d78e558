import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `toolops_test_cases`: Generated test cases of a tool and the status of their last run. */
@Entity('toolops_test_cases')
export class ToolopsTestCase {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_toolops_test_cases' })
  toolId: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  testCases: unknown[];

  @Column({ type: 'varchar', length: 255, nullable: true })
  runStatus: string | null;
}
