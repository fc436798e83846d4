import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RunProbeConfig, RunStatus } from '@netwatcher/shared';

/** One on-demand or queued run (migration 1765036800000-ProbeRuns). Status changes go through RunStore. */
@Entity({ name: 'probe_runs' })
export class ProbeRunEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  /** The configured probe run; null for an ad-hoc run (or once that probe was deleted). */
  @Column({ name: 'probe_id', type: 'integer', nullable: true })
  probeId!: number | null;

  @Column({ type: 'text' })
  type!: string;

  /** What the agent was sent in `run_start`. */
  @Column({ type: 'jsonb' })
  config!: RunProbeConfig;

  @Column({ type: 'text' })
  status!: RunStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'result_ids', type: 'text', array: true, default: () => "'{}'" })
  resultIds!: string[];

  @Column({ type: 'text' })
  origin!: 'scheduled' | 'on_demand';

  @Column({ name: 'created_by', type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** A running run not finished by then is failed (its agent went quiet). */
  @Column({ name: 'deadline_at', type: 'timestamptz', nullable: true })
  deadlineAt!: Date | null;
}
