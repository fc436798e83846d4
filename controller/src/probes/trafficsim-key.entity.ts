import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A TRAFFICSIM pair key (migration 1765065600000). Secret: never mapped into any REST view. */
@Entity({ name: 'trafficsim_keys' })
export class TrafficsimKeyEntity {
  /** The key id inside every packet of the pair. */
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'client_probe_id', type: 'integer' })
  clientProbeId!: number;

  /** `agent:<id>` or `host:<host:port>`: what the client sends to. */
  @Column({ type: 'text' })
  peer!: string;

  /** The server agent; null for a host:port client (every server of the workspace accepts it). */
  @Column({ name: 'server_agent_id', type: 'integer', nullable: true })
  serverAgentId!: number | null;

  /** 32 random bytes, base64. */
  @Column({ type: 'text' })
  secret!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
