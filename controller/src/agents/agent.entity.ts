import { Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'agents' })
export class AgentEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text', default: '' })
  location!: string;

  @Column({ name: 'public_ip_override', type: 'text', default: '' })
  publicIpOverride!: string;

  @Column({ type: 'text', default: '' })
  version!: string;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  /** True once the agent has exchanged its PIN for a PSK. */
  @Column({ type: 'boolean', default: false })
  initialized!: boolean;

  @Column({ type: 'jsonb', default: {} })
  labels!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, unknown>;

  /** SHA-256 (hex) of the 256-bit PSK: random enough that a slow hash buys nothing. */
  @Column({ name: 'psk_hash', type: 'text', nullable: true, select: false })
  pskHash!: string | null;

  /** scrypt hash of the current one-time PIN; cleared when used. */
  @Column({ name: 'pin_hash', type: 'text', nullable: true, select: false })
  pinHash!: string | null;

  @Column({ name: 'pin_expires_at', type: 'timestamptz', nullable: true, select: false })
  pinExpiresAt!: Date | null;

  @Column({ name: 'pin_failed_attempts', type: 'integer', default: 0, select: false })
  pinFailedAttempts!: number;

  @Column({ name: 'pin_locked_until', type: 'timestamptz', nullable: true, select: false })
  pinLockedUntil!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
