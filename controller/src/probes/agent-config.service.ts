import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeConfig, ProbeConfigSet, RunProbeConfig } from '@netwatcher/shared';
import { Repository } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ApiError } from '../common/api-error';
import { LatestReportsRepository } from '../probe-results/latest-reports.repository';
import { ProbeEntity } from './probe.entity';
import type { ProbeSettings } from './probe-rules';
import { toProbeView } from './probe.view';

/** Builds the probe set an agent runs, as sent in `probe_get`. */
@Injectable()
export class AgentConfigService {
  constructor(
    @InjectRepository(ProbeEntity) private readonly probes: Repository<ProbeEntity>,
    private readonly agents: AgentDirectory,
    private readonly reports: LatestReportsRepository,
  ) {}

  /** 410 when the agent or its workspace was deleted since the socket connected. */
  async configSet(workspaceId: number, agentId: number): Promise<ProbeConfigSet> {
    if (!(await this.agents.isServing(workspaceId, agentId))) throw ApiError.gone('this agent or its workspace was deleted', 'agent_deleted');
    const probes = await this.probes.find({ where: { workspaceId, agentId }, order: { id: 'ASC' } });
    const peerIds = [...new Set(probes.flatMap((p) => p.agentTargets))];
    const addresses = await this.peerAddresses(workspaceId, peerIds);
    // The REST view minus what the agent has no use for, with each peer's address resolved.
    const configs: ProbeConfig[] = probes.map(toProbeView).map((v) => ({
      id: v.id,
      type: v.type,
      enabled: v.enabled,
      interval_sec: v.interval_sec,
      timeout_sec: v.timeout_sec,
      count: v.count,
      duration_sec: v.duration_sec,
      server: v.server,
      targets: v.targets,
      agent_targets: v.agent_targets.map((id) => ({ id, address: addresses.get(id) ?? null })),
      updated_at: v.updated_at,
    }));
    const revision = createHash('sha256').update(JSON.stringify(configs)).digest('hex').slice(0, 16);
    return { probes: configs, revision };
  }

  /** One configured probe of the agent as `probe_get` carries it, or null (runs/: run a probe now). */
  async probeConfig(workspaceId: number, agentId: number, probeId: number): Promise<ProbeConfig | null> {
    const set = await this.configSet(workspaceId, agentId);
    return set.probes.find((p) => p.id === probeId) ?? null;
  }

  /**
   * Validated settings that are no stored probe (an ad-hoc run) as the agent runs them: id 0,
   * peers' addresses resolved as for a stored probe.
   */
  async adHocConfig(workspaceId: number, settings: ProbeSettings): Promise<RunProbeConfig> {
    const addresses = await this.peerAddresses(workspaceId, settings.agentTargets);
    return {
      id: 0,
      type: settings.type,
      enabled: true,
      interval_sec: settings.intervalSec,
      timeout_sec: settings.timeoutSec,
      count: settings.count,
      duration_sec: settings.durationSec,
      server: settings.server,
      targets: settings.targets,
      agent_targets: settings.agentTargets.map((id) => ({ id, address: addresses.get(id) ?? null })),
      updated_at: new Date().toISOString(),
    };
  }

  /**
   * Where a peer agent can be reached: the operator's override, else the public address the
   * peer last reported in NETINFO. Unknown peers get null and are skipped by the agent.
   */
  private async peerAddresses(workspaceId: number, peerIds: number[]): Promise<Map<number, string>> {
    const result = new Map<number, string>();
    const overrides = await this.agents.publicIpOverrides(workspaceId, peerIds);
    for (const [id, ip] of overrides) if (ip) result.set(id, ip);
    const missing = [...overrides.keys()].filter((id) => !result.has(id));
    if (missing.length === 0) return result;
    for (const [agentId, report] of await this.reports.latest(workspaceId, missing, 'NETINFO')) {
      const ip = publicIpOf(report.payload);
      if (ip) result.set(agentId, ip);
    }
    return result;
  }
}

/** NETINFO payloads were validated on ingest; anything unexpected just means "no address". */
function publicIpOf(payload: string): string | null {
  try {
    const ip = (JSON.parse(payload) as { public_ip?: unknown } | null)?.public_ip;
    return typeof ip === 'string' && ip !== '' ? ip : null;
  } catch {
    return null;
  }
}
