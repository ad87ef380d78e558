import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Resource } from './resource.entity';
import { Server } from './server.entity';

/** `server_resource_association`: Links a virtual server to a resource. */
@Entity('server_resource_association')
@Index('ix_server_resource_association_resource_id', ['resourceId'])
export class ServerResourceAssociation {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_resource_association' })
  serverId: string;

  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_server_resource_association' })
  resourceId: string;

  @ManyToOne(() => Server, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_server_resource_association_server_id' })
  server?: Relation<Server>;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'resource_id', foreignKeyConstraintName: 'fk_server_resource_association_resource_id' })
  resource?: Relation<Resource>;
}
