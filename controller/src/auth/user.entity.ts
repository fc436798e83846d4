import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** ADMIN is the instance administrator (the first-start admin), not a workspace role. */
export type SystemRole = 'USER' | 'ADMIN';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Stored lower-cased so lookups and the unique index agree. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', default: 'USER' })
  role!: SystemRole;

  @Column({ type: 'boolean', default: false })
  verified!: boolean;

  /** Carried in every JWT as `ep`; raising it (password change) ends every earlier session. */
  @Column({ name: 'session_epoch', type: 'integer', default: 0 })
  sessionEpoch!: number;

  /** Consecutive failed logins since the last success or lock. */
  @Column({ name: 'failed_logins', type: 'integer', default: 0 })
  failedLogins!: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'jsonb', default: {} })
  labels!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
