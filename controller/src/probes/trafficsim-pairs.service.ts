import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TRAFFICSIM_LIMITS, type TrafficsimConfig } from '@netwatcher/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';

/** The probe fields the pairing reads. */
export interface PairProbe {
  id: number;
  workspaceId: number;
  agentId: number;
  type: string;
  server: boolean;
  enabled?: boolean;
  targets: readonly string[];
  agentTargets: readonly number[];
  metadata: Record<string, unknown>;
}

interface KeyRow {
  id: number;
  client_probe_id: number;
  peer: string;
  secret: string;
}

interface Pair {
  probeId: number;
  peer: string;
  serverAgentId: number | null;
}

const agentPeer = (agentId: number) => `agent:${agentId}`;
const hostPeer = (target: string) => `host:${target}`;

const isClient = (p: PairProbe) => p.type === 'TRAFFICSIM' && !p.server;
const isServer = (p: PairProbe) => p.type === 'TRAFFICSIM' && p.server;

/** The peers a probe sends TRAFFICSIM packets to (AGENT: every target; it pairs with those that serve). */
function peersOf(p: PairProbe): string[] {
  if (isClient(p)) return p.agentTargets.length > 0 ? p.agentTargets.map(agentPeer) : p.targets.map(hostPeer);
  if (p.type === 'AGENT') return p.agentTargets.map(agentPeer);
  return [];
}

function setting(p: PairProbe, field: 'port' | 'rate_pps' | 'packet_size'): number {
  const value = (p.metadata.trafficsim as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'number' ? value : TRAFFICSIM_LIMITS[field].default;
}

/** `host:port` / `[v6]:port` → address and port (validated when the probe was stored). */
export function splitHostPort(target: string): { address: string; port: number } {
  const at = target.lastIndexOf(':');
  const host = target.slice(0, at);
  return { address: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(target.slice(at + 1)) };
}

/**
 * TRAFFICSIM pairing and its keys (the `trafficsim_keys` table, owned by probes/). A pair is a
 * client probe (a TRAFFICSIM client, or an AGENT probe toward a peer) and the server it sends to:
 * an agent with a TRAFFICSIM server probe, or for a `host:port` client every server of the
 * workspace (the controller cannot tell which agent an address is). Keys are made when a config
 * that needs them is built, the same row for both ends, and deleted when the pair changes, so
 * the next config carries a fresh one. Never part of a REST view or an audit record.
 */
@Injectable()
export class TrafficsimPairs {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly agents: AgentDirectory,
  ) {}

  /** Agents among `ids` that have a TRAFFICSIM server probe; used by validation. */
  async serverAgentIds(workspaceId: number, ids: readonly number[], em: EntityManager = this.db.manager): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await em.query<Array<{ agent_id: number }>>(
      `SELECT DISTINCT agent_id FROM probes WHERE workspace_id = $1 AND type = 'TRAFFICSIM' AND server AND agent_id = ANY($2::int[])`,
      [workspaceId, [...ids]],
    );
    return new Set(rows.map((r) => Number(r.agent_id)));
  }

  /** In the transaction that changes a probe: keys of pairs it no longer has go (rotation). */
  async prune(em: EntityManager, probe: PairProbe): Promise<void> {
    await em.query(`DELETE FROM trafficsim_keys WHERE client_probe_id = $1 AND NOT (peer = ANY($2::text[]))`, [probe.id, peersOf(probe)]);
  }

  /** In the transaction that deletes an agent's last server probe: its pairs end, their keys go. */
  async dropServer(em: EntityManager, workspaceId: number, agentId: number): Promise<void> {
    const still = await this.serverAgentIds(workspaceId, [agentId], em);
    if (still.size > 0) return;
    await em.query(`DELETE FROM trafficsim_keys WHERE workspace_id = $1 AND server_agent_id = $2`, [workspaceId, agentId]);
  }

  /**
   * Other agents whose configuration follows from this probe, to be told after the commit: a
   * client's server (it takes the key), a server's clients (their peer and port), an AGENT
   * probe's serving peers.
   */
  async affectedAgents(probe: PairProbe): Promise<number[]> {
    const { workspaceId } = probe;
    if (isClient(probe)) {
      if (probe.agentTargets.length > 0) return [...probe.agentTargets];
      return (await this.serverProbes(workspaceId)).map((p) => p.agentId);
    }
    if (isServer(probe)) return [...new Set((await this.clientsOf(workspaceId, probe.agentId)).map((p) => p.agentId))];
    if (probe.type === 'AGENT') return [...(await this.serverAgentIds(workspaceId, probe.agentTargets))];
    return [];
  }

  /**
   * The `trafficsim` section of each probe in one agent's configuration, by probe id. `address`
   * resolves peer agents as the AGENT probes' addresses are resolved.
   */
  async sections(
    workspaceId: number,
    agentId: number,
    probes: readonly PairProbe[],
    address: (agentIds: number[]) => Promise<Map<number, string>>,
  ): Promise<Map<number, TrafficsimConfig>> {
    const out = new Map<number, TrafficsimConfig>();
    const relevant = probes.filter((p) => p.type === 'TRAFFICSIM' || p.type === 'AGENT');
    if (relevant.length === 0) return out;

    // Which peers serve, and on which port (an agent's first server probe).
    const peerIds = [...new Set(relevant.flatMap((p) => (p.type === 'AGENT' || isClient(p) ? p.agentTargets : [])))];
    const ports = await this.serverPorts(workspaceId, peerIds);
    const pairs: Pair[] = [];
    for (const p of relevant) {
      if (isClient(p) && p.agentTargets.length > 0 && ports.has(p.agentTargets[0])) pairs.push({ probeId: p.id, peer: agentPeer(p.agentTargets[0]), serverAgentId: p.agentTargets[0] });
      if (isClient(p) && p.targets.length === 1) pairs.push({ probeId: p.id, peer: hostPeer(p.targets[0]), serverAgentId: null });
      if (p.type === 'AGENT') for (const t of p.agentTargets) if (ports.has(t)) pairs.push({ probeId: p.id, peer: agentPeer(t), serverAgentId: t });
    }
    const serving = relevant.some(isServer);
    const clients = serving ? await this.clientsOf(workspaceId, agentId) : [];
    for (const c of clients) {
      if (c.type === 'AGENT' || c.agentTargets.length > 0) pairs.push({ probeId: c.id, peer: agentPeer(agentId), serverAgentId: agentId });
      else pairs.push({ probeId: c.id, peer: hostPeer(c.targets[0]), serverAgentId: null });
    }
    const keys = await this.ensureKeys(workspaceId, pairs);
    const keyOf = (probeId: number, peer: string) => keys.get(`${probeId} ${peer}`);
    const addresses = await address([...ports.keys()]);

    for (const p of relevant) {
      const base = { port: setting(p, 'port'), rate_pps: setting(p, 'rate_pps'), packet_size: setting(p, 'packet_size') };
      if (isServer(p)) {
        const accepted = pairs.filter((x) => x.serverAgentId === agentId || (x.serverAgentId === null && clients.some((c) => c.id === x.probeId)));
        const list = accepted.flatMap((x) => {
          const k = keyOf(x.probeId, x.peer);
          return k ? [{ key_id: k.id, key: k.secret }] : [];
        });
        out.set(p.id, { ...base, clients: [...new Map(list.map((k) => [k.key_id, k])).values()] });
      } else if (isClient(p)) {
        let peer: TrafficsimConfig['peer'] = null;
        if (p.agentTargets.length > 0) {
          const server = p.agentTargets[0];
          const k = keyOf(p.id, agentPeer(server));
          const port = ports.get(server);
          if (k && port !== undefined) peer = { agent_id: server, address: addresses.get(server) ?? null, port, key_id: k.id, key: k.secret };
        } else if (p.targets.length === 1) {
          const k = keyOf(p.id, hostPeer(p.targets[0]));
          if (k) peer = { agent_id: null, ...splitHostPort(p.targets[0]), key_id: k.id, key: k.secret };
        }
        out.set(p.id, { ...base, peer });
      } else if (p.type === 'AGENT') {
        const peers = p.agentTargets.flatMap((t) => {
          const k = keyOf(p.id, agentPeer(t));
          const port = ports.get(t);
          return k && port !== undefined ? [{ agent_id: t, address: addresses.get(t) ?? null, port, key_id: k.id, key: k.secret }] : [];
        });
        if (peers.length > 0) out.set(p.id, { ...base, peers });
      }
    }
    return out;
  }

  /** Port of each agent's first TRAFFICSIM server probe, for those that have one. */
  private async serverPorts(workspaceId: number, agentIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (agentIds.length === 0) return out;
    const rows = await this.db.query<Array<{ agent_id: number; metadata: Record<string, unknown> }>>(
      `SELECT agent_id, metadata FROM probes WHERE workspace_id = $1 AND type = 'TRAFFICSIM' AND server AND agent_id = ANY($2::int[]) ORDER BY id`,
      [workspaceId, agentIds],
    );
    for (const r of rows) {
      const id = Number(r.agent_id);
      if (!out.has(id)) out.set(id, setting({ metadata: r.metadata } as PairProbe, 'port'));
    }
    return out;
  }

  private async serverProbes(workspaceId: number): Promise<Array<{ agentId: number }>> {
    const rows = await this.db.query<Array<{ agent_id: number }>>(
      `SELECT DISTINCT agent_id FROM probes WHERE workspace_id = $1 AND type = 'TRAFFICSIM' AND server`,
      [workspaceId],
    );
    return rows.map((r) => ({ agentId: Number(r.agent_id) }));
  }

  /**
   * Client probes paired with a server on `agentId`, on live agents: TRAFFICSIM clients toward it,
   * AGENT probes toward it, and the workspace's host:port clients.
   */
  private async clientsOf(workspaceId: number, agentId: number): Promise<PairProbe[]> {
    const rows = await this.db.query<Array<{ id: number; agent_id: number; type: string; targets: string[]; agent_targets: number[] }>>(
      `SELECT id, agent_id, type, targets, agent_targets FROM probes
        WHERE workspace_id = $1 AND agent_id <> $2 AND (
          (type IN ('TRAFFICSIM', 'AGENT') AND NOT server AND agent_targets @> $3::jsonb)
          OR (type = 'TRAFFICSIM' AND NOT server AND jsonb_array_length(targets) = 1))
        ORDER BY id`,
      [workspaceId, agentId, JSON.stringify([agentId])],
    );
    const live = await this.agents.liveAgentIds(workspaceId, [...new Set(rows.map((r) => Number(r.agent_id)))]);
    return rows
      .filter((r) => live.has(Number(r.agent_id)))
      .map((r) => ({
        id: Number(r.id),
        workspaceId,
        agentId: Number(r.agent_id),
        type: r.type,
        server: false,
        targets: r.targets,
        agentTargets: r.agent_targets.map(Number),
        metadata: {},
      }));
  }

  /** The key of every pair, made where missing; both ends read the same row. */
  private async ensureKeys(workspaceId: number, pairs: Pair[]): Promise<Map<string, { id: number; secret: string }>> {
    const out = new Map<string, { id: number; secret: string }>();
    if (pairs.length === 0) return out;
    // A pair whose probe was deleted meanwhile is skipped by the join, not a foreign-key error.
    await this.db.query(
      `INSERT INTO trafficsim_keys (workspace_id, client_probe_id, peer, server_agent_id, secret)
       SELECT $1, t.probe_id, t.peer, t.server_agent_id, t.secret
         FROM unnest($2::int[], $3::text[], $4::int[], $5::text[]) AS t(probe_id, peer, server_agent_id, secret)
         JOIN probes ON probes.id = t.probe_id AND probes.workspace_id = $1
       ON CONFLICT (client_probe_id, peer) DO NOTHING`,
      [workspaceId, pairs.map((p) => p.probeId), pairs.map((p) => p.peer), pairs.map((p) => p.serverAgentId), pairs.map(() => randomBytes(32).toString('base64'))],
    );
    const rows = await this.db.query<KeyRow[]>(
      `SELECT id, client_probe_id, peer, secret FROM trafficsim_keys WHERE workspace_id = $1 AND client_probe_id = ANY($2::int[])`,
      [workspaceId, [...new Set(pairs.map((p) => p.probeId))]],
    );
    for (const r of rows) out.set(`${Number(r.client_probe_id)} ${r.peer}`, { id: Number(r.id), secret: r.secret });
    return out;
  }
}
