import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import { auditDiff, auditFields, AuditTrail, REDACTED } from '../common/audit-trail';
import { parseHostname } from '../common/hostname';
import { ListResponse, PageQueryDto, toList } from '../common/pagination';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AlertChanges } from './alert-changes';
import { AlertLedger } from './alert-ledger.service';
import { AlertRuleEntity } from './alert-rule.entity';
import type { AlertEntity } from './alert.entity';
import { AlertSubjects } from './alert-subjects';
import { AlertRuleView, toAlertRuleView } from './alert.view';
import { webhookUrlProblem } from './delivery/webhook-sender';
import type { AlertRuleFieldsDto } from './dto/alert-rule.dto';
import { clearThresholdProblem } from './evaluation/comparison';
import { RuleChanges } from './rule-changes';

/** DTO field → entity property, for the fields that map one to one. */
const FIELD_MAP = {
  name: 'name',
  metric: 'metric',
  operator: 'operator',
  threshold: 'threshold',
  clear_threshold: 'clearThreshold',
  severity: 'severity',
  probe_id: 'probeId',
  agent_id: 'agentId',
  target: 'target',
  quorum_min_agents: 'quorumMinAgents',
  sustain_count: 'sustainCount',
  sustain_seconds: 'sustainSeconds',
  renotify_seconds: 'renotifySeconds',
  cooldown_seconds: 'cooldownSeconds',
  flap_window_seconds: 'flapWindowSeconds',
  flap_max_transitions: 'flapMaxTransitions',
  notify_panel: 'notifyPanel',
  notify_webhook: 'notifyWebhook',
  webhook_url: 'webhookUrl',
  webhook_secret: 'webhookSecret',
  webhook_template: 'webhookTemplate',
  notify_email: 'notifyEmail',
  email_to: 'emailTo',
  enabled: 'enabled',
} as const satisfies Record<keyof AlertRuleFieldsDto, keyof AlertRuleEntity>;

/** Every rule field but the webhook secret, which the audit log only says changed. */
const AUDITED_FIELDS = Object.values(FIELD_MAP).filter((f): f is Exclude<(typeof FIELD_MAP)[keyof typeof FIELD_MAP], 'webhookSecret'> => f !== 'webhookSecret');
const RULE = (id: number) => ({ type: 'alert_rule', id });

const REQUIRED_ON_CREATE = ['name', 'metric', 'operator', 'threshold'] as const;

const DEFAULTS: Partial<AlertRuleEntity> = {
  severity: 'warning',
  clearThreshold: null,
  probeId: null,
  agentId: null,
  target: null,
  quorumMinAgents: 0,
  sustainCount: 1,
  sustainSeconds: 0,
  renotifySeconds: null,
  cooldownSeconds: 0,
  flapWindowSeconds: null,
  flapMaxTransitions: null,
  notifyPanel: true,
  notifyWebhook: false,
  webhookUrl: null,
  webhookSecret: null,
  webhookTemplate: 'json',
  notifyEmail: false,
  emailTo: [],
  enabled: true,
};

/** Alert rules of a workspace: any member reads, ADMIN writes (contract "Alert Endpoints"). */
@Injectable()
export class AlertRulesService {
  constructor(
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly subjects: AlertSubjects,
    private readonly changes: RuleChanges,
    private readonly ledger: AlertLedger,
    private readonly alertChanges: AlertChanges,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditTrail,
  ) {}

  /** Reading rules is for every member, VIEWER included; changing them is for ADMIN. */
  async list(userId: number, workspaceId: number, page: PageQueryDto): Promise<ListResponse<AlertRuleView>> {
    await this.access.require(userId, workspaceId);
    const [rows, total] = await this.rules.findAndCount({
      where: { workspaceId },
      order: { id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return toList(rows.map(toAlertRuleView), total, page);
  }

  async get(userId: number, workspaceId: number, ruleId: number): Promise<AlertRuleView> {
    await this.access.require(userId, workspaceId);
    return toAlertRuleView(await this.find(workspaceId, ruleId));
  }

  async create(userId: number, workspaceId: number, dto: AlertRuleFieldsDto): Promise<AlertRuleView> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    for (const field of REQUIRED_ON_CREATE) {
      if (dto[field] === undefined) throw ApiError.badRequest(`${field} is required`, 'validation_failed');
    }
    const rule = this.rules.create({ ...DEFAULTS, workspaceId });
    apply(rule, dto);
    await this.check(rule);
    const saved = await this.db.transaction(async (em) => {
      const created = await em.getRepository(AlertRuleEntity).save(rule);
      const changes = { ...auditFields(created, AUDITED_FIELDS), webhookSecret: created.webhookSecret === null ? null : REDACTED };
      await this.audit.record({ workspaceId, action: 'alert_rule.created', target: RULE(created.id), changes }, em);
      return created;
    });
    this.changes.changed(workspaceId);
    return toAlertRuleView(saved);
  }

  async update(userId: number, workspaceId: number, ruleId: number, dto: AlertRuleFieldsDto): Promise<AlertRuleView> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const rule = await this.find(workspaceId, ruleId);
    const before = conditionFingerprint(rule);
    const previous = { ...rule };
    apply(rule, dto);
    await this.check(rule);
    const { saved, closed } = await this.db.transaction(async (em) => {
      const closed = conditionFingerprint(rule) !== before ? await this.ledger.closeRuleAlerts(em, ruleId, 'rule_changed') : [];
      const saved = await em.getRepository(AlertRuleEntity).save(rule);
      // Recorded last: the chain lock is taken after every row lock, never before one.
      const changes = auditDiff(previous, rule, [...AUDITED_FIELDS, 'webhookSecret'], ['webhookSecret']);
      if (Object.keys(changes).length > 0) await this.audit.record({ workspaceId, action: 'alert_rule.updated', target: RULE(ruleId), changes }, em);
      return { saved, closed };
    });
    this.announceClosed(closed, saved);
    this.changes.changed(workspaceId);
    return toAlertRuleView(saved);
  }

  async remove(userId: number, workspaceId: number, ruleId: number): Promise<void> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const rule = await this.find(workspaceId, ruleId);
    const closed = await this.db.transaction(async (em) => {
      const closed = await this.ledger.closeRuleAlerts(em, ruleId, 'rule_deleted');
      await em.getRepository(AlertRuleEntity).delete({ id: ruleId, workspaceId });
      await this.audit.record({ workspaceId, action: 'alert_rule.deleted', target: RULE(ruleId), changes: { name: rule.name, metric: rule.metric } }, em);
      return closed;
    });
    this.announceClosed(closed, rule);
    this.changes.changed(workspaceId);
  }

  private announceClosed(closed: readonly AlertEntity[], rule: AlertRuleEntity): void {
    for (const alert of closed) this.alertChanges.emit({ action: 'resolved', alert, rule, suppressed: null });
  }

  /** A rule of the workspace with its secret, for sending (test notifications, the outbox worker). */
  async find(workspaceId: number, ruleId: number): Promise<AlertRuleEntity> {
    const rule = await this.rules.findOne({ where: { id: ruleId, workspaceId } });
    if (!rule) throw ApiError.notFound('alert rule');
    return rule;
  }

  /** Rules that hold together only as a whole: checked on the merged rule, before anything is stored. */
  private async check(rule: AlertRuleEntity): Promise<void> {
    const bad = (message: string): never => {
      throw ApiError.badRequest(message, 'validation_failed');
    };
    const clearProblem = clearThresholdProblem(rule.operator, rule.threshold, rule.clearThreshold);
    if (clearProblem) bad(clearProblem);
    if (rule.flapWindowSeconds === null !== (rule.flapMaxTransitions === null)) {
      bad('flap_window_seconds and flap_max_transitions go together');
    }
    if (rule.metric === 'agent_offline' && (rule.probeId !== null || rule.target !== null || rule.quorumMinAgents > 0)) {
      bad('agent_offline rules take an agent_id or the whole workspace, not a probe, target or quorum');
    }
    if (rule.quorumMinAgents > 0 && rule.agentId !== null) bad('a quorum rule counts several agents: leave agent_id empty');
    if (rule.target !== null && !parseHostname(rule.target) && !/^[0-9a-f:.]+$/i.test(rule.target)) {
      bad('target must be a host name or an IP address');
    }
    if (rule.notifyWebhook) {
      if (!rule.webhookUrl) bad('notify_webhook needs a webhook_url');
    }
    if (rule.webhookUrl) {
      const problem = webhookUrlProblem(rule.webhookUrl, { allowPrivilegedAddresses: this.config.alerts.webhookAllowPrivileged });
      if (problem) bad(problem);
    }
    if (rule.notifyEmail) {
      if (rule.emailTo.length === 0) bad('notify_email needs at least one address in email_to');
      if (!this.config.alerts.smtpUrl) bad('e-mail notifications need SMTP_URL to be set on the controller');
    }
    // Scope inside the workspace: another workspace's probe or agent answers as missing.
    if (rule.probeId !== null) {
      const probe = (await this.subjects.probes(rule.workspaceId, [rule.probeId])).get(rule.probeId);
      if (!probe) bad(`probe ${rule.probeId} not found in this workspace`);
      if (probe && rule.agentId !== null && probe.agentId !== rule.agentId) bad(`probe ${rule.probeId} does not belong to agent ${rule.agentId}`);
    }
    if (rule.agentId !== null && !(await this.subjects.agents(rule.workspaceId, [rule.agentId])).has(rule.agentId)) {
      bad(`agent ${rule.agentId} not found in this workspace`);
    }
  }
}

/** The fields that decide what a rule's series mean; a change to any of them starts the series over. */
function conditionFingerprint(r: AlertRuleEntity): string {
  return JSON.stringify([r.metric, r.operator, r.threshold, r.clearThreshold, r.probeId, r.agentId, r.target, r.quorumMinAgents, r.sustainCount, r.sustainSeconds, r.enabled]);
}

function apply(rule: AlertRuleEntity, dto: AlertRuleFieldsDto): void {
  const target = rule as unknown as Record<string, unknown>;
  for (const [field, property] of Object.entries(FIELD_MAP)) {
    const value = (dto as Record<string, unknown>)[field];
    if (value !== undefined) target[property] = value;
  }
}
