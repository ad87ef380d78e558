import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';

/** `grpc_services`: A gRPC service discovered through server reflection. */
@Entity('grpc_services')
@Unique('uq_grpc_services_team_owner_name', ['teamId', 'ownerEmail', 'name'])
@Unique('uq_grpc_services_team_owner_slug', ['teamId', 'ownerEmail', 'slug'])
@Index('ix_grpc_services_team_id', ['teamId'])
export class GrpcService extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_grpc_services' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'varchar', length: 767 })
  target: string;

  @Column({ type: 'boolean', default: false })
  tlsEnabled: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  grpcMetadata: Record<string, string>;

  @Column({ type: 'boolean', default: false })
  reachable: boolean;

  @Column({ type: 'integer', default: 0 })
  serviceCount: number;

  @Column({ type: 'integer', default: 0 })
  methodCount: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  discoveredServices: Record<string, unknown>;
}
