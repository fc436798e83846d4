import type { FleetAgent } from './fleet';

/** How each simulated agent behaves during a load run. */
export interface LoadConfig {
  /** Results per second per agent. */
  ratePerAgent: number;
  /** One probe_post every this many ms (results owed meanwhile go in one batch). */
  postIntervalMs: number;
  /** Unacked posts per agent before it holds results back (an agent's spool does the same). */
  maxInflight: number;
  /** Simultaneous handshakes per load-generator process. */
  connectConcurrency: number;
  drainTimeoutMs: number;
  maxLatencySamples: number;
  /** Probes whose every result id is reported back, for the id-exact check. */
  trackProbeIds: number[];
}

export interface LoadInit {
  type: 'init';
  url: string;
  workspaceId: number;
  agents: FleetAgent[];
  config: LoadConfig;
}

/** `start` may change the rate: one connected fleet runs several phases (capacity, then latency). */
export type ParentMessage = LoadInit | { type: 'start'; ratePerAgent?: number } | { type: 'stop' } | { type: 'close' };

export interface WorkerConnected {
  type: 'connected';
  connected: number;
  failed: number;
  seconds: number;
  errors: string[];
}

export interface WorkerTick {
  type: 'tick';
  produced: number;
  acked: number;
}

/** The counts every generator reports and the parent adds up, in report order. */
export const LOAD_COUNTERS = [
  'produced',
  'acked',
  'rejected',
  'unacked_results',
  'unmatched_acks',
  'error_messages',
  /** Posts the controller refused as `busy` (write queue full), and posts sent again after one. */
  'busy_refusals',
  'resent_posts',
  'disconnects',
  'still_connected',
] as const;
export type LoadCounters = Record<(typeof LOAD_COUNTERS)[number], number>;

export interface WorkerDone extends LoadCounters {
  type: 'done';
  unacked_posts: number;
  latencies: number[];
  latency_samples_seen: number;
  errors: string[];
  tracked: Record<string, string[]>;
}

export type WorkerMessage = WorkerConnected | WorkerTick | WorkerDone;
