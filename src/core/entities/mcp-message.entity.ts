import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { McpSession } from './mcp-session.entity';

/** `mcp_messages`: A message queued for an MCP session. */
@Entity('mcp_messages')
@Unique('uq_mcp_messages_session_event', ['sessionId', 'eventId'])
export class McpMessage {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_mcp_messages' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  sessionId: string;

  /** Strictly increasing within the session, from 1, without gaps (bigint: a string in JavaScript). */
  @Column({ type: 'bigint' })
  eventId: string;

  @Column({ type: 'text' })
  message: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => McpSession, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'sessionId', foreignKeyConstraintName: 'fk_mcp_messages_session_id' })
  session?: Relation<McpSession>;
}
