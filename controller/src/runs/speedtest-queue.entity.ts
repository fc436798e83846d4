import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RunStatus } from '@netwatcher/shared';

export type QueueSource = 'scheduled' | 'on_demand';

/** A SPEEDTEST run waiting for, or holding, its agent's (and the controller's) turn. */
@Entity({ name: 'speedtest_queue' })
export class SpeedtestQueueEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  @Column({ name: 'probe_id', type: 'integer', nullable: true })
  probeId!: number | null;

  @Column({ type: 'text' })
  source!: QueueSource;

  @Column({ type: 'text' })
  status!: RunStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
