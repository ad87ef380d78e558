import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { McpSession } from './mcp-session.entity';

/** `mcp_messages`: A message queued for an MCP session. */
@Entity('mcp_messages')
@Index('ix_mcp_messages_session_id', ['sessionId'])
export class McpMessage {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_mcp_messages' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  sessionId: string;

  @Column({ type: 'text' })
  message: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => McpSession, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'sessionId', foreignKeyConstraintName: 'fk_mcp_messages_session_id' })
  session?: Relation<McpSession>;
}
