import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeResult } from '@netwatcher/shared';
import { MoreThan, Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AlertChanges } from './alert-changes';
import { AlertLedger, SeriesSample, stateId } from './alert-ledger.service';
import { isAlertMetric, metricValue, RESULT_METRICS, ResultMetric } from './alert-metrics';
import { AlertRuleEntity } from './alert-rule.entity';
import { AlertSubjects } from './alert-subjects';
import { MaintenanceWindowEntity } from './alert.entity';
import { inMaintenance, MaintenanceWindow } from './evaluation/maintenance';
import { conditionOf, quorumConditionOf, viewConditionOf } from './evaluation/rule-condition';
import { offlineKey, quorumVerdictKey, quorumViewKey, quorumViewPrefix, seriesKey } from './evaluation/series-key';
import { INITIAL_STATE, SeriesState, step } from './evaluation/series-machine';
import { RuleChanges } from './rule-changes';

/** One stored result, as the evaluator is handed it. */
export interface StoredResult {
  workspaceId: number;
  agentId: number;
  result: ProbeResult;
}

/** Rules are re-read this often as well, so a change made through another replica is seen. */
const RULE_RELOAD_MS = 30_000;
const STATE_FLUSH_MS = 1_000;

const isResultMetric = (metric: string): metric is ResultMetric => (RESULT_METRICS as readonly string[]).includes(metric);

/**
 * Evaluates alert rules on stored results. Cheap on the hot path: rules are indexed in memory
 * per workspace, each sample steps a cached series state in memory, and only a sample that
 * changes an alert goes to the database (AlertLedger, under a lock, from the stored state);
 * other state is written behind once a second so a restart resumes where it was.
 */
@Injectable()
export class AlertEvaluator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertEvaluator.name);
  private rules = new Map<number, AlertRuleEntity[]>();
  private windows = new Map<number, MaintenanceWindow[]>();
  private readonly states = new Map<string, SeriesState>();
  private readonly dirty = new Map<string, { ruleId: number; key: string; state: SeriesState }>();
  /** Batches are evaluated one after another so each series sees its samples in order. */
  private tail: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private stopRuleChanges?: () => void;
  private stopSeriesResets?: () => void;
  /** Rule reloads queued but not run yet: until they run, "no rules" is not known to be true. */
  private pendingReloads = 0;

  constructor(
    @InjectRepository(AlertRuleEntity) private readonly ruleRepo: Repository<AlertRuleEntity>,
    @InjectRepository(MaintenanceWindowEntity) private readonly windowRepo: Repository<MaintenanceWindowEntity>,
    private readonly ledger: AlertLedger,
    private readonly subjects: AlertSubjects,
    private readonly changes: AlertChanges,
    ruleChanges: RuleChanges,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.stopRuleChanges = ruleChanges.on((workspaceId) => {
      this.pendingReloads++;
      this.enqueue(() => this.reload(workspaceId).finally(() => this.pendingReloads--));
    });
    this.stopSeriesResets = ruleChanges.onSeriesReset((ruleId, key) =>
      this.enqueue(async () => {
        this.states.delete(stateId(ruleId, key));
        this.dirty.delete(stateId(ruleId, key));
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reloadAll();
    this.timers = [
      setInterval(() => this.enqueue(() => this.reloadAll()), RULE_RELOAD_MS),
      setInterval(() => this.enqueue(() => this.flush()), STATE_FLUSH_MS),
      setInterval(() => this.enqueue(() => this.sweepOffline(Date.now())), this.config.alerts.offlineSweepMs),
    ];
    for (const t of this.timers) t.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.stopRuleChanges?.();
    this.stopSeriesResets?.();
    this.enqueue(() => this.flush());
    await this.tail;
  }

  /** Hands stored results to evaluation; returns at once (evaluation never delays an ack). */
  evaluate(results: readonly StoredResult[]): void {
    if (results.length === 0 || (this.rules.size === 0 && this.pendingReloads === 0)) return;
    this.enqueue(() => this.evaluateNow(results));
  }

  /** Resolves when everything handed over so far is evaluated (tests, shutdown). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Runs an `agent_offline` sweep now (tests; the timer runs it periodically). */
  sweepOfflineNow(now = Date.now()): Promise<void> {
    this.enqueue(() => this.sweepOffline(now));
    return this.tail;
  }

  private enqueue(work: () => Promise<void>): void {
    this.tail = this.tail.then(work).catch((e: unknown) => this.logger.error({ err: e }, 'alert evaluation failed'));
  }

  private async evaluateNow(results: readonly StoredResult[]): Promise<void> {
    const samples: SeriesSample[] = [];
    for (const stored of results) {
      for (const rule of this.rules.get(stored.workspaceId) ?? []) {
        if (!isResultMetric(rule.metric) || !matches(rule, stored)) continue;
        const value = metricValue(rule.metric, stored.result);
        if (value === null) continue;
        samples.push(this.sampleFor(rule, stored, value));
      }
    }
    if (samples.length === 0) return;
    await this.warmStates(samples);
    for (const sample of samples) await this.applySample(sample);
  }

  private sampleFor(rule: AlertRuleEntity, stored: StoredResult, value: number): SeriesSample {
    const target = stored.result.target || null;
    const at = Date.parse(stored.result.created_at);
    const windows = this.windows.get(rule.workspaceId) ?? [];
    const maintenance = (agentId: number | null) => (t: number) => inMaintenance(windows, t, agentId);
    if (rule.quorumMinAgents > 0) {
      return {
        rule,
        key: quorumViewKey(target ?? '', stored.agentId),
        subject: { probeId: null, agentId: stored.agentId, target },
        condition: viewConditionOf(rule),
        at,
        value,
        opensAlerts: false,
        inMaintenance: maintenance(stored.agentId),
      };
    }
    const subject = { probeId: stored.result.probe_id, agentId: stored.agentId, target };
    return {
      rule,
      key: seriesKey(subject),
      subject,
      condition: conditionOf(rule),
      at,
      value,
      opensAlerts: true,
      inMaintenance: maintenance(stored.agentId),
    };
  }

  private async warmStates(samples: readonly SeriesSample[]): Promise<void> {
    const missing = samples
      .filter((s) => !this.states.has(stateId(s.rule.id, s.key)))
      .map((s) => ({ ruleId: s.rule.id, key: s.key }));
    if (missing.length === 0) return;
    const loaded = await this.ledger.loadStates(missing);
    for (const { ruleId, key } of missing) {
      const id = stateId(ruleId, key);
      this.states.set(id, loaded.get(id) ?? INITIAL_STATE);
    }
  }

  private async applySample(sample: SeriesSample): Promise<void> {
    const id = stateId(sample.rule.id, sample.key);
    const cached = this.states.get(id) ?? INITIAL_STATE;
    const local = step(cached, sample.condition, { at: sample.at, value: sample.value });
    if (local.state === cached) return;
    if (local.events.length === 0) {
      this.states.set(id, local.state);
      this.dirty.set(id, { ruleId: sample.rule.id, key: sample.key, state: local.state });
      return;
    }
    // A transition: decided again under the series lock from the stored state.
    this.dirty.delete(id);
    const applied = await this.ledger.apply(sample);
    this.states.set(id, applied.state);
    for (const change of applied.changes) this.changes.emit(change);
    if (!sample.opensAlerts && applied.events.length > 0 && sample.subject.target !== null) {
      await this.applyQuorum(sample.rule, sample.subject.target, sample.at);
    }
  }

  /** A view of a quorum rule changed: count the agents that see the target breach, step the verdict. */
  private async applyQuorum(rule: AlertRuleEntity, target: string, at: number): Promise<void> {
    await this.flush();
    const breaching = await this.ledger.countFiring(rule.id, quorumViewPrefix(target));
    const key = quorumVerdictKey(target);
    const windows = this.windows.get(rule.workspaceId) ?? [];
    const applied = await this.ledger.apply({
      rule,
      key,
      subject: { probeId: null, agentId: null, target },
      condition: quorumConditionOf(rule),
      at,
      value: breaching,
      opensAlerts: true,
      faultAt: 'target',
      inMaintenance: (t) => inMaintenance(windows, t, null),
    });
    this.states.set(stateId(rule.id, key), applied.state);
    for (const change of applied.changes) this.changes.emit(change);
  }

  private async sweepOffline(now: number): Promise<void> {
    for (const [workspaceId, rules] of this.rules) {
      const offlineRules = rules.filter((r) => r.metric === 'agent_offline');
      if (offlineRules.length === 0) continue;
      const agents = await this.subjects.agents(workspaceId);
      const samples: SeriesSample[] = [];
      const windows = this.windows.get(workspaceId) ?? [];
      for (const rule of offlineRules) {
        for (const agent of agents.values()) {
          if (rule.agentId !== null && rule.agentId !== agent.id) continue;
          // An agent that never connected is not offline: it was never online.
          if (agent.lastSeenAt === null) continue;
          const subject = { probeId: null, agentId: agent.id, target: null };
          samples.push({
            rule,
            key: offlineKey(agent.id),
            subject,
            condition: conditionOf(rule),
            at: now,
            value: Math.max(0, Math.round((now - agent.lastSeenAt.getTime()) / 1000)),
            opensAlerts: true,
            inMaintenance: (t) => inMaintenance(windows, t, agent.id),
          });
        }
      }
      await this.warmStates(samples);
      for (const sample of samples) await this.applySample(sample);
    }
  }

  private async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    await this.ledger.saveStates(batch);
  }

  private async reloadAll(): Promise<void> {
    const rules = await this.ruleRepo.find({ where: { enabled: true } });
    const byWorkspace = new Map<number, AlertRuleEntity[]>();
    for (const rule of rules) {
      if (!isAlertMetric(rule.metric)) continue;
      byWorkspace.set(rule.workspaceId, [...(byWorkspace.get(rule.workspaceId) ?? []), rule]);
    }
    this.rules = byWorkspace;
    this.windows = groupWindows(await this.windowRepo.find({ where: { endsAt: MoreThan(new Date()) } }));
    this.forgetStatesOfRemovedRules();
  }

  private async reload(workspaceId: number): Promise<void> {
    const rules = await this.ruleRepo.find({ where: { workspaceId, enabled: true } });
    if (rules.length > 0) this.rules.set(workspaceId, rules);
    else this.rules.delete(workspaceId);
    const windows = await this.windowRepo.find({ where: { workspaceId, endsAt: MoreThan(new Date()) } });
    this.windows.set(workspaceId, groupWindows(windows).get(workspaceId) ?? []);
    this.forgetStatesOfRemovedRules();
  }

  /** A changed rule's cached series are dropped too: its thresholds may mean another state now. */
  private forgetStatesOfRemovedRules(): void {
    const current = new Set<number>();
    for (const rules of this.rules.values()) for (const r of rules) current.add(r.id);
    for (const id of [...this.states.keys()]) {
      if (!current.has(Number(id.split('\u0000')[0]))) this.states.delete(id);
    }
  }
}

function matches(rule: AlertRuleEntity, stored: StoredResult): boolean {
  if (rule.probeId !== null && rule.probeId !== stored.result.probe_id) return false;
  if (rule.agentId !== null && rule.agentId !== stored.agentId) return false;
  if (rule.target !== null && rule.target.toLowerCase() !== stored.result.target.toLowerCase()) return false;
  return true;
}

function groupWindows(rows: readonly MaintenanceWindowEntity[]): Map<number, MaintenanceWindow[]> {
  const map = new Map<number, MaintenanceWindow[]>();
  for (const w of rows) {
    const list = map.get(w.workspaceId) ?? [];
    list.push({ startsAt: w.startsAt.getTime(), endsAt: w.endsAt.getTime(), agentId: w.agentId });
    map.set(w.workspaceId, list);
  }
  return map;
}
