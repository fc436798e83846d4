import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ProbeType } from '@netwatcher/shared';

@Entity({ name: 'probes' })
export class ProbeEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  @Column({ type: 'text' })
  type!: ProbeType;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'interval_sec', type: 'integer' })
  intervalSec!: number;

  @Column({ name: 'timeout_sec', type: 'integer' })
  timeoutSec!: number;

  @Column({ type: 'integer', default: 0 })
  count!: number;

  @Column({ name: 'duration_sec', type: 'integer', default: 0 })
  durationSec!: number;

  @Column({ type: 'boolean', default: false })
  server!: boolean;

  @Column({ type: 'jsonb', default: [] })
  targets!: string[];

  @Column({ name: 'agent_targets', type: 'jsonb', default: [] })
  agentTargets!: number[];

  @Column({ type: 'jsonb', default: {} })
  labels!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, unknown>;

  /** Set on the mirror probe that `bidirectional: true` created. */
  @Column({ name: 'reverse_of_probe_id', type: 'integer', nullable: true })
  reverseOfProbeId!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
