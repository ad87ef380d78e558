import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** `mcp_sessions`: A streamable-HTTP / SSE MCP session shared between replicas. */
@Entity('mcp_sessions')
@Index('ix_mcp_sessions_last_accessed', ['lastAccessed'])
export class McpSession {
  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'pk_mcp_sessions' })
  sessionId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastAccessed: Date;
}
