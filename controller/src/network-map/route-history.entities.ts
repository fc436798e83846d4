import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RouteChangeKind } from './route-diff';

/** One distinct path of a (probe, agent, target) series; `isCurrent` marks the one taken last. */
@Entity({ name: 'route_paths' })
export class RoutePathEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'probe_id', type: 'integer' })
  probeId!: number;

  @Column({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  @Column({ type: 'text' })
  target!: string;

  @Column({ type: 'text' })
  signature!: string;

  @Column({ type: 'jsonb' })
  hops!: (string | null)[];

  @Column({ name: 'as_path', type: 'jsonb' })
  asPath!: number[];

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;

  @Column({ name: 'seen_count', type: 'integer' })
  seenCount!: number;

  @Column({ name: 'is_current', type: 'boolean' })
  isCurrent!: boolean;
}

/** A detected route change: the path before and after, as the API lists it. */
@Entity({ name: 'route_changes' })
export class RouteChangeEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'probe_id', type: 'integer' })
  probeId!: number;

  @Column({ name: 'agent_id', type: 'integer' })
  agentId!: number;

  @Column({ type: 'text' })
  target!: string;

  @Column({ type: 'text' })
  kind!: RouteChangeKind;

  /** When the result that showed the new path was measured. */
  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;

  @Column({ name: 'before_hops', type: 'jsonb' })
  beforeHops!: (string | null)[];

  @Column({ name: 'after_hops', type: 'jsonb' })
  afterHops!: (string | null)[];

  @Column({ name: 'before_as_path', type: 'jsonb' })
  beforeAsPath!: number[];

  @Column({ name: 'after_as_path', type: 'jsonb' })
  afterAsPath!: number[];

  @Column({ type: 'jsonb' })
  added!: string[];

  @Column({ type: 'jsonb' })
  removed!: string[];
}

/** The tables the network map owns (registered by NetworkMapModule; listed for the migration CLI). */
export const ROUTE_HISTORY_ENTITIES = [RoutePathEntity, RouteChangeEntity];
