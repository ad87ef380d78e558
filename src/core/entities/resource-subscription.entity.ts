import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { Resource } from './resource.entity';

/** `resource_subscriptions`: A subscription of a client to updates of a resource. */
@Entity('resource_subscriptions')
@Unique('uq_resource_subscriptions_resource_subscriber', ['resourceId', 'subscriberId'])
export class ResourceSubscription {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_resource_subscriptions' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  resourceId: string;

  @Column({ type: 'varchar', length: 255 })
  subscriberId: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastNotification: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'resource_id', foreignKeyConstraintName: 'fk_resource_subscriptions_resource_id' })
  resource?: Relation<Resource>;
}
