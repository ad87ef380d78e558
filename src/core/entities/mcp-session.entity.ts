import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Server } from './server.entity';

/** `mcp_sessions`: A streamable-HTTP / SSE MCP session shared between replicas. */
@Entity('mcp_sessions')
@Index('ix_mcp_sessions_last_accessed', ['lastAccessed'])
@Index('ix_mcp_sessions_server_id', ['serverId'])
export class McpSession {
  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'pk_mcp_sessions' })
  sessionId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastAccessed: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  serverId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  protocolVersion: string | null;

  @Column({ type: 'jsonb', nullable: true })
  clientInfo: Record<string, unknown> | null;

  /** The event id of the session's last message (bigint: a string in JavaScript). */
  @Column({ type: 'bigint', default: 0 })
  lastEventId: string;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @ManyToOne(() => Server, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_mcp_sessions_server_id' })
  server?: Relation<Server>;
}
