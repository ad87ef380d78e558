import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { McpSession } from './mcp-session.entity';
import { Resource } from './resource.entity';

/** `resource_subscriptions`: A session's subscription to updates of a resource URI; goes with its session. */
@Entity('resource_subscriptions')
@Unique('uq_resource_subscriptions_resource_subscriber', ['resourceId', 'subscriberId'])
@Unique('uq_resource_subscriptions_subscriber_uri', ['subscriberId', 'uri'])
@Index('ix_resource_subscriptions_uri', ['uri'])
export class ResourceSubscription {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_resource_subscriptions' })
  id: string;

  /** The registry resource, when the URI is one (null for URIs from templates or upstream only). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  resourceId: string | null;

  /** The subscribing MCP session. */
  @Column({ type: 'varchar', length: 255 })
  subscriberId: string;

  @Column({ type: 'varchar', length: 767 })
  uri: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastNotification: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'resource_id', foreignKeyConstraintName: 'fk_resource_subscriptions_resource_id' })
  resource?: Relation<Resource>;

  @ManyToOne(() => McpSession, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'subscriber_id', referencedColumnName: 'sessionId', foreignKeyConstraintName: 'fk_resource_subscriptions_subscriber_id' })
  session?: Relation<McpSession>;
}
