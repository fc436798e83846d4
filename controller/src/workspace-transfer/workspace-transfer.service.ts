import { Injectable, Logger, type Type } from '@nestjs/common';
import { CreateAgentDto } from '../agents/dto/agent.dto';
import { AgentsService } from '../agents/agents.service';
import { AlertRulesService } from '../alerts/alert-rules.service';
import { AlertRuleFieldsDto } from '../alerts/dto/alert-rule.dto';
import { ApiError } from '../common/api-error';
import { allPages } from '../common/pagination';
import { createValidationPipe } from '../common/validation';
import { CONTROLLER_VERSION } from '../config/version';
import { CreateProbeDto } from '../probes/dto/probe.dto';
import { ProbesService } from '../probes/probes.service';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import type { ImportWorkspaceDto } from './dto/workspace-transfer.dto';
import { MalformedSealedFile, seal, type SealedFile, unseal, UnsealFailed } from './sealed-file';
import {
  SNAPSHOT_VERSION,
  WORKSPACE_SNAPSHOT,
  WorkspaceSnapshot,
  type SnapshotAgent,
  type SnapshotProbe,
  type SnapshotRule,
} from './workspace-snapshot';

/**
 * Probe types every new agent gets on creation (AgentLifecycle): an import skips them rather
 * than making a second copy.
 */
const DEFAULT_PROBE_TYPES = new Set(['NETINFO', 'SYSINFO']);

export interface ImportedAgent {
  ref: string;
  id: number;
  name: string;
  /** One-time PIN to enroll the new agent with (agent credentials never leave a controller). */
  pin: string;
}

export interface ImportReport {
  dry_run: boolean;
  source: WorkspaceSnapshot['source'];
  agents: number;
  probes: number;
  alert_rules: number;
  /** NETINFO/SYSINFO probes in the file: every new agent gets its own. */
  skipped_default_probes: number;
  /** What the operator must still do (webhook secrets, enrollment). */
  warnings: string[];
  /** Only on a real import: the new agents and their PINs. */
  created_agents?: ImportedAgent[];
}

/** Raises the owners' validation error for `value` as an import problem naming the item. */
async function checkAgainst<T>(metatype: Type<T>, value: object, where: string): Promise<T> {
  try {
    return (await createValidationPipe().transform(value, { type: 'body', metatype })) as T;
  } catch (e) {
    throw ApiError.badRequest(`${where}: ${(e as Error).message}`, 'invalid_import');
  }
}

/**
 * A workspace's configuration (agents without credentials, probes, alert rules without webhook
 * secrets) as one passphrase-sealed file, and the way back into any workspace of any
 * controller. Everything is read and created through the owners' services, so every rule they
 * enforce applies to imported items too.
 */
@Injectable()
export class WorkspaceTransferService {
  private readonly logger = new Logger(WorkspaceTransferService.name);

  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly agents: AgentsService,
    private readonly probes: ProbesService,
    private readonly rules: AlertRulesService,
  ) {}

  async export(userId: number, workspaceId: number, passphrase: string): Promise<SealedFile> {
    const { workspace } = await this.access.require(userId, workspaceId, 'ADMIN');
    const agents = await allPages((page) => this.agents.list(userId, workspaceId, page));
    const refOf = new Map(agents.map((a, i) => [a.id, `agent-${i + 1}`]));
    const probes: SnapshotProbe[] = [];
    const probeRefOf = new Map<number, string>();
    for (const agent of agents) {
      for (const p of await allPages((page) => this.probes.list(userId, workspaceId, agent.id, page))) {
        probeRefOf.set(p.id, `probe-${probeRefOf.size + 1}`);
        probes.push({
          ref: probeRefOf.get(p.id)!,
          agent_ref: refOf.get(agent.id)!,
          type: p.type,
          enabled: p.enabled,
          interval_sec: p.interval_sec,
          timeout_sec: p.timeout_sec,
          count: p.count,
          duration_sec: p.duration_sec,
          server: p.server,
          targets: p.targets,
          // A peer outside this workspace cannot be named; the probes service refused it anyway.
          agent_target_refs: p.agent_targets.flatMap((id) => (refOf.has(id) ? [refOf.get(id)!] : [])),
          labels: p.labels,
          metadata: p.metadata,
        });
      }
    }
    const rules = (await allPages((page) => this.rules.list(userId, workspaceId, page))).map((r): SnapshotRule => {
      const { id: _id, workspace_id: _ws, probe_id, agent_id, has_webhook_secret: _secret, created_at: _c, updated_at: _u, ...fields } = r;
      return { ...fields, probe_ref: probe_id === null ? null : (probeRefOf.get(probe_id) ?? null), agent_ref: agent_id === null ? null : (refOf.get(agent_id) ?? null) };
    });
    const snapshot: WorkspaceSnapshot = {
      snapshot_version: SNAPSHOT_VERSION,
      exported_at: new Date().toISOString(),
      source: { workspace_id: workspaceId, workspace_name: workspace.name, controller_version: CONTROLLER_VERSION },
      agents: agents.map((a): SnapshotAgent => ({
        ref: refOf.get(a.id)!,
        name: a.name,
        description: a.description,
        location: a.location,
        public_ip_override: a.public_ip_override,
        labels: a.labels,
        metadata: a.metadata,
      })),
      probes,
      alert_rules: rules,
    };
    this.logger.log({ workspace_id: workspaceId, user_id: userId, agents: agents.length, probes: probes.length, alert_rules: rules.length }, 'workspace exported');
    return seal(snapshot, passphrase, WORKSPACE_SNAPSHOT);
  }

  async import(userId: number, workspaceId: number, dto: ImportWorkspaceDto): Promise<ImportReport> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const snapshot = await this.open(dto);
    const plan = await this.check(snapshot);
    const report: ImportReport = {
      dry_run: dto.dry_run === true,
      source: snapshot.source,
      agents: plan.agents.length,
      probes: plan.probes.length,
      alert_rules: plan.rules.length,
      skipped_default_probes: snapshot.probes.length - plan.probes.length,
      warnings: plan.warnings,
    };
    if (report.dry_run) return report;
    report.created_agents = await this.create(userId, workspaceId, plan);
    this.logger.log({ workspace_id: workspaceId, user_id: userId, from: snapshot.source, agents: report.agents, probes: report.probes, alert_rules: report.alert_rules }, 'workspace imported');
    return report;
  }

  private async open(dto: ImportWorkspaceDto): Promise<WorkspaceSnapshot> {
    let content: unknown;
    try {
      content = await unseal(dto.file, dto.passphrase, WORKSPACE_SNAPSHOT);
    } catch (e) {
      if (e instanceof UnsealFailed) throw ApiError.badRequest('the passphrase is wrong or the file was altered', 'unseal_failed');
      if (e instanceof MalformedSealedFile) throw ApiError.badRequest(e.message, 'bad_export_file');
      throw e;
    }
    const parsed = WorkspaceSnapshot.safeParse(content);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw ApiError.badRequest(`the export's content is not understood: ${issue.path.join('.')} ${issue.message}`, 'bad_export_file');
    }
    return parsed.data;
  }

  /**
   * Every item checked by its owner's DTO and every reference resolved before anything is
   * written, so a file with one bad item changes nothing.
   */
  private async check(snapshot: WorkspaceSnapshot): Promise<ImportPlan> {
    const refs = new Set<string>();
    const agents: PlannedAgent[] = [];
    for (const [i, a] of snapshot.agents.entries()) {
      if (refs.has(a.ref)) throw ApiError.badRequest(`agents[${i}]: ref ${a.ref} appears twice`, 'invalid_import');
      refs.add(a.ref);
      const { ref, ...fields } = a;
      agents.push({ ref, dto: await checkAgainst(CreateAgentDto, fields, `agents[${i}]`) });
    }
    const known = (ref: string, where: string): string => {
      if (!refs.has(ref)) throw ApiError.badRequest(`${where}: no agent with ref ${ref} in the file`, 'invalid_import');
      return ref;
    };
    const probes: PlannedProbe[] = [];
    /** Probe ref → index into `probes`, or null for a skipped default probe. */
    const probeIndexOfRef = new Map<string, number | null>();
    for (const [i, p] of snapshot.probes.entries()) {
      if (probeIndexOfRef.has(p.ref)) throw ApiError.badRequest(`probes[${i}]: ref ${p.ref} appears twice`, 'invalid_import');
      if (DEFAULT_PROBE_TYPES.has(p.type)) {
        probeIndexOfRef.set(p.ref, null);
        continue;
      }
      const { ref, agent_ref, agent_target_refs, ...fields } = p;
      known(agent_ref, `probes[${i}]`);
      agent_target_refs.forEach((r) => known(r, `probes[${i}].agent_target_refs`));
      // Placeholder ids: the DTO checks the shape; the real ids exist only once agents are made.
      const dto = await checkAgainst(CreateProbeDto, { ...fields, agent_targets: agent_target_refs.map(() => 1) }, `probes[${i}]`);
      probeIndexOfRef.set(ref, probes.length);
      probes.push({ agentRef: agent_ref, targetRefs: agent_target_refs, dto });
    }
    const warnings: string[] = [];
    const rules: PlannedRule[] = [];
    for (const [i, r] of snapshot.alert_rules.entries()) {
      const { probe_ref, agent_ref, ...fields } = r;
      if (agent_ref !== null) known(agent_ref, `alert_rules[${i}]`);
      const probeIndex = probe_ref === null ? null : probeIndexOfRef.get(probe_ref);
      if (probe_ref !== null && (probeIndex === undefined || probeIndex === null)) {
        throw ApiError.badRequest(`alert_rules[${i}]: no importable probe with ref ${probe_ref} in the file`, 'invalid_import');
      }
      const dto = await checkAgainst(AlertRuleFieldsDto, { ...fields, probe_id: probeIndex === null ? null : 1, agent_id: agent_ref === null ? null : 1 }, `alert_rules[${i}]`);
      if (dto.notify_webhook) warnings.push(`alert rule "${dto.name}": webhook secrets are never exported; set webhook_secret again`);
      rules.push({ probeIndex: probeIndex ?? null, agentRef: agent_ref, dto });
    }
    if (agents.length > 0) warnings.push(`${agents.length} new agent(s) must be enrolled with the PINs this import answers`);
    return { agents, probes, rules, warnings };
  }

  /**
   * Creates through the owners, in dependency order. The services commit one by one, so a
   * failure part-way (a rule of the probes service the DTO cannot see, a lost connection) is
   * undone by deleting what this import made: the workspace ends as it began.
   */
  private async create(userId: number, workspaceId: number, plan: ImportPlan): Promise<ImportedAgent[]> {
    const created: ImportedAgent[] = [];
    const ruleIds: number[] = [];
    try {
      const idOf = new Map<string, number>();
      for (const { ref, dto } of plan.agents) {
        const { agent, pin } = await this.agents.create(userId, workspaceId, dto);
        idOf.set(ref, agent.id);
        created.push({ ref, id: agent.id, name: agent.name, pin });
      }
      const probeIds: number[] = new Array<number>(plan.probes.length);
      // TRAFFICSIM servers first: a client toward an agent is refused until that agent serves.
      const serves = (i: number) => Number(plan.probes[i].dto.type === 'TRAFFICSIM' && plan.probes[i].dto.server === true);
      const order = plan.probes.map((_, i) => i).sort((x, y) => serves(y) - serves(x) || x - y);
      for (const i of order) {
        const { agentRef, targetRefs, dto } = plan.probes[i];
        const probe = await this.probes.create(userId, workspaceId, idOf.get(agentRef)!, { ...dto, agent_targets: targetRefs.map((r) => idOf.get(r)!) });
        probeIds[i] = probe.id;
      }
      for (const { probeIndex, agentRef, dto } of plan.rules) {
        const rule = await this.rules.create(userId, workspaceId, {
          ...dto,
          probe_id: probeIndex === null ? null : probeIds[probeIndex],
          agent_id: agentRef === null ? null : idOf.get(agentRef)!,
        });
        ruleIds.push(rule.id);
      }
      return created;
    } catch (e) {
      await this.undo(userId, workspaceId, ruleIds, created);
      throw e;
    }
  }

  private async undo(userId: number, workspaceId: number, ruleIds: number[], agents: ImportedAgent[]): Promise<void> {
    try {
      for (const id of ruleIds) await this.rules.remove(userId, workspaceId, id);
      // Deleting an agent takes its probes with it.
      for (const { id } of agents) await this.agents.remove(userId, workspaceId, id);
    } catch (e) {
      this.logger.error({ err: e, workspace_id: workspaceId, rules: ruleIds, agents: agents.map((a) => a.id) }, 'could not undo a failed import');
    }
  }
}

interface PlannedAgent {
  ref: string;
  dto: CreateAgentDto;
}

interface PlannedProbe {
  agentRef: string;
  targetRefs: string[];
  dto: CreateProbeDto;
}

interface PlannedRule {
  /** Index into the planned probes, or null for a rule not scoped to one probe. */
  probeIndex: number | null;
  agentRef: string | null;
  dto: AlertRuleFieldsDto;
}

interface ImportPlan {
  agents: PlannedAgent[];
  probes: PlannedProbe[];
  rules: PlannedRule[];
  warnings: string[];
}
