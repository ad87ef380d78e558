import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Server } from './server.entity';
import { Tool } from './tool.entity';

/** `server_tool_association`: Links a virtual server to a tool. */
@Entity('server_tool_association')
@Index('ix_server_tool_association_tool_id', ['toolId'])
export class ServerToolAssociation {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_tool_association' })
  serverId: string;

  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_tool_association' })
  toolId: string;

  @ManyToOne(() => Server, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_server_tool_association_server_id' })
  server?: Relation<Server>;

  @ManyToOne(() => Tool, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'tool_id', foreignKeyConstraintName: 'fk_server_tool_association_tool_id' })
  tool?: Relation<Tool>;
}
