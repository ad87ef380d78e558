import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Prompt } from './prompt.entity';
import { Server } from './server.entity';

/** `server_prompt_association`: Links a virtual server to a prompt. */
@Entity('server_prompt_association')
@Index('ix_server_prompt_association_prompt_id', ['promptId'])
export class ServerPromptAssociation {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_prompt_association' })
  serverId: string;

  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_prompt_association' })
  promptId: string;

  @ManyToOne(() => Server, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_server_prompt_association_server_id' })
  server?: Relation<Server>;

  @ManyToOne(() => Prompt, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'prompt_id', foreignKeyConstraintName: 'fk_server_prompt_association_prompt_id' })
  prompt?: Relation<Prompt>;
}
