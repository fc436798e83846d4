import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { WorkspaceRole } from '../common/roles';

export { ROLE_RANK, WORKSPACE_ROLES, type WorkspaceRole } from '../common/roles';

@Entity({ name: 'workspace_members' })
export class MemberEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  /** Null while an invitation by e-mail waits for someone to register and accept it. */
  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  role!: WorkspaceRole;

  @Column({ type: 'jsonb', default: {} })
  meta!: Record<string, unknown>;

  @Column({ name: 'invited_by', type: 'integer', nullable: true })
  invitedBy!: number | null;

  /** Null means the invitation is still pending; pending members have no access. */
  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
