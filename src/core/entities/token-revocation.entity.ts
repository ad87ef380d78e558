import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `token_revocations`: A revoked JWT, by its jti; kept until the token would have expired anyway. */
@Entity('token_revocations')
@Index('ix_token_revocations_token_expiry', ['tokenExpiry'])
export class TokenRevocation {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_token_revocations' })
  jti: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  revokedAt: Date;

  @Column({ type: 'varchar', length: 255 })
  revokedBy: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  tokenExpiry: Date | null;
}
