import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { A2aAgent } from './a2a-agent.entity';
import { Server } from './server.entity';

/** `server_a2a_association`: Links a virtual server to an A2A agent. */
@Entity('server_a2a_association')
@Index('ix_server_a2a_association_a2a_agent_id', ['a2aAgentId'])
export class ServerA2aAssociation {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_a2a_association' })
  serverId: string;

  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_a2a_association' })
  a2aAgentId: string;

  @ManyToOne(() => Server, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_server_a2a_association_server_id' })
  server?: Relation<Server>;

  @ManyToOne(() => A2aAgent, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'a2a_agent_id', foreignKeyConstraintName: 'fk_server_a2a_association_a2a_agent_id' })
  a2aAgent?: Relation<A2aAgent>;
}
