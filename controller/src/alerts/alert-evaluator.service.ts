import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProbeResult } from '@netwatcher/shared';
import { MoreThan, Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AlertChanges } from './alert-changes';
import { AlertLedger, SeriesSample, stateId } from './alert-ledger.service';
import type { RouteCheck } from '../events/domain-events';
import { isAlertMetric, isRouteMetric, metricValue, RESULT_METRICS, ResultMetric, routeMetricValue } from './alert-metrics';
import { AlertRuleEntity } from './alert-rule.entity';
import { AlertSubjects } from './alert-subjects';
import { MaintenanceWindowEntity } from './alert.entity';
import { inMaintenance, MaintenanceWindow } from './evaluation/maintenance';
import { conditionOf, quorumConditionOf, viewConditionOf } from './evaluation/rule-condition';
import { RuleIndex } from './evaluation/rule-index';
import { offlineKey, quorumVerdictKey, quorumViewKey, quorumViewPrefix, seriesKey } from './evaluation/series-key';
import { INITIAL_STATE, SeriesCondition, step } from './evaluation/series-machine';
import { SeriesStates } from './evaluation/series-states';
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
/**
 * A series whose sample only moved its clock (the same phase, count and notification times, a
 * newer lastSampleAt) is written this rarely: that is what nearly every result does, and writing
 * thousands of such rows a second would cost more than the evaluation. After a restart such a
 * series may have forgotten up to this much of its clock, which only matters for a result that
 * arrives that late and out of order.
 */
const QUIET_FLUSH_MS = 30_000;

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
  /** The result rules of each workspace (not agent_offline), indexed by probe for the ingest path. */
  private resultRules = new Map<number, RuleIndex<IndexedRule>>();
  /** The `route_change`/`as_path_change` rules of each workspace, judged on `route.checked`. */
  private routeRules = new Map<number, RuleIndex<IndexedRule>>();
  private windows = new Map<number, MaintenanceWindow[]>();
  /** Cached series states; what changed is written within STATE_FLUSH_MS, a clock-only change within QUIET_FLUSH_MS. */
  private readonly states = new SeriesStates();
  /** Batches are evaluated one after another so each series sees its samples in order. */
  private tail: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private stopRuleChanges?: () => void;
  private stopSeriesResets?: () => void;
  /** Rule reloads queued or running: until they are done, "no rules" is not known to be true. */
  private pendingReloads = 0;
  /** Workspaces with a reload queued and not yet started. */
  private readonly queuedReloads = new Set<number>();

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
      // A reload already queued reads the rules as they are when it runs: one is enough, however
      // many changes arrive before it does (1,000 rules created in a row cost one or two reloads).
      if (this.queuedReloads.has(workspaceId)) return;
      this.queuedReloads.add(workspaceId);
      this.pendingReloads++;
      this.enqueue(() => {
        this.queuedReloads.delete(workspaceId);
        return this.reload(workspaceId).finally(() => this.pendingReloads--);
      });
    });
    this.stopSeriesResets = ruleChanges.onSeriesReset((ruleId, key) =>
      this.enqueue(async () => {
        this.states.forget(ruleId, key);
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reloadAll();
    this.timers = [
      setInterval(() => this.enqueue(() => this.reloadAll()), RULE_RELOAD_MS),
      setInterval(() => this.enqueue(() => this.flush()), STATE_FLUSH_MS),
      setInterval(() => this.enqueue(() => this.flushQuiet()), QUIET_FLUSH_MS),
      setInterval(() => this.enqueue(() => this.sweepOffline(Date.now())), this.config.alerts.offlineSweepMs),
    ];
    for (const t of this.timers) t.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.stopRuleChanges?.();
    this.stopSeriesResets?.();
    this.enqueue(() => this.flush());
    this.enqueue(() => this.flushQuiet());
    await this.tail;
  }

  /** Hands stored results to evaluation; returns at once (evaluation never delays an ack). */
  evaluate(results: readonly StoredResult[]): void {
    if (results.length === 0 || (this.rules.size === 0 && this.pendingReloads === 0)) return;
    this.enqueue(() => this.evaluateNow(results, this.resultRules, (rule, stored) => (isResultMetric(rule.metric) ? metricValue(rule.metric, stored.result) : null)));
  }

  /** Route metrics of judged MTR results (network map); like `evaluate`, returns at once. */
  evaluateRoutes(checks: readonly RouteCheck[]): void {
    if (checks.length === 0 || (this.rules.size === 0 && this.pendingReloads === 0)) return;
    this.enqueue(() => this.evaluateNow(checks, this.routeRules, (rule, check) => (isRouteMetric(rule.metric) ? routeMetricValue(rule.metric, check) : null)));
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

  private async evaluateNow<T extends StoredResult>(
    results: readonly T[],
    indexes: ReadonlyMap<number, RuleIndex<IndexedRule>>,
    valueOf: (rule: AlertRuleEntity, stored: T) => number | null,
  ): Promise<void> {
    const samples: SeriesSample[] = [];
    /** Series with a sample of this batch on the full path (rule id → keys): their later samples must follow it. */
    const deferred = new Map<number, Set<string>>();
    for (const stored of results) {
      // An ad-hoc run (runs/, probe_id 0) is a one-off look, not a watched series: it opens no alert.
      if (stored.result.probe_id === 0) continue;
      const index = indexes.get(stored.workspaceId);
      if (!index) continue;
      // One key per result: every rule that is not a quorum rule follows the result's own series.
      const key = seriesKey({ probeId: stored.result.probe_id, agentId: stored.agentId, target: stored.result.target || null });
      const at = Date.parse(stored.result.created_at);
      for (const { rule, condition } of index.candidates(stored.result.probe_id)) {
        if (!matches(rule, stored)) continue;
        const value = valueOf(rule, stored);
        if (value === null) continue;
        if (rule.quorumMinAgents === 0 && !deferred.get(rule.id)?.has(key) && this.stepInMemory(rule.id, condition, key, at, value)) continue;
        const sample = this.sampleFor(rule, condition, stored, value);
        const keys = deferred.get(rule.id) ?? new Set<string>();
        deferred.set(rule.id, keys.add(sample.key));
        samples.push(sample);
      }
    }
    if (samples.length === 0) return;
    await this.warmStates(samples);
    for (const sample of samples) await this.applySample(sample);
  }

  /**
   * The common case, settled in memory without building a sample: a series whose state is
   * cached takes a value that changes no alert (most results breach nothing). Anything else (a
   * state not loaded yet, a transition) returns false and goes the full way, in order.
   */
  private stepInMemory(ruleId: number, condition: SeriesCondition, key: string, at: number, value: number): boolean {
    const cached = this.states.get(ruleId, key);
    if (!cached) return false;
    const local = step(cached, condition, { at, value });
    if (local.events.length > 0) return false;
    this.states.keep(ruleId, key, cached, local.state);
    return true;
  }

  private sampleFor(rule: AlertRuleEntity, condition: SeriesCondition, stored: StoredResult, value: number): SeriesSample {
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
      condition,
      at,
      value,
      opensAlerts: true,
      inMaintenance: maintenance(stored.agentId),
    };
  }

  private async warmStates(samples: readonly SeriesSample[]): Promise<void> {
    const missing = samples
      .filter((s) => this.states.get(s.rule.id, s.key) === undefined)
      .map((s) => ({ ruleId: s.rule.id, key: s.key }));
    if (missing.length === 0) return;
    const loaded = await this.ledger.loadStates(missing);
    for (const { ruleId, key } of missing) {
      this.states.load(ruleId, key, loaded.get(stateId(ruleId, key)) ?? INITIAL_STATE);
    }
  }

  private async applySample(sample: SeriesSample): Promise<void> {
    const cached = this.states.get(sample.rule.id, sample.key) ?? INITIAL_STATE;
    const local = step(cached, sample.condition, { at: sample.at, value: sample.value });
    if (local.state === cached) return;
    if (local.events.length === 0) {
      this.states.keep(sample.rule.id, sample.key, cached, local.state);
      return;
    }
    // A transition: decided again under the series lock from the stored state (which it writes),
    // so what this series learnt since the last write (a pending breach count) is written first.
    const waiting = this.states.takeOne(sample.rule.id, sample.key);
    if (waiting) await this.ledger.saveStates([waiting]);
    const applied = await this.ledger.apply(sample);
    this.states.load(sample.rule.id, sample.key, applied.state);
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
    this.states.load(rule.id, key, applied.state);
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
    await this.ledger.saveStates(this.states.takeSoon());
  }

  private async flushQuiet(): Promise<void> {
    await this.ledger.saveStates(this.states.takeLater());
  }

  private async reloadAll(): Promise<void> {
    const rules = await this.ruleRepo.find({ where: { enabled: true } });
    const byWorkspace = new Map<number, AlertRuleEntity[]>();
    for (const rule of rules) {
      if (!isAlertMetric(rule.metric)) continue;
      byWorkspace.set(rule.workspaceId, [...(byWorkspace.get(rule.workspaceId) ?? []), rule]);
    }
    this.rules = byWorkspace;
    this.resultRules = new Map([...byWorkspace].map(([workspaceId, list]) => [workspaceId, indexResultRules(list)]));
    this.routeRules = new Map([...byWorkspace].map(([workspaceId, list]) => [workspaceId, indexRouteRules(list)]));
    this.windows = groupWindows(await this.windowRepo.find({ where: { endsAt: MoreThan(new Date()) } }));
    this.forgetStatesOfRemovedRules();
  }

  private async reload(workspaceId: number): Promise<void> {
    const rules = await this.ruleRepo.find({ where: { workspaceId, enabled: true } });
    if (rules.length > 0) {
      this.rules.set(workspaceId, rules);
      this.resultRules.set(workspaceId, indexResultRules(rules));
      this.routeRules.set(workspaceId, indexRouteRules(rules));
    } else {
      this.rules.delete(workspaceId);
      this.resultRules.delete(workspaceId);
      this.routeRules.delete(workspaceId);
    }
    const windows = await this.windowRepo.find({ where: { workspaceId, endsAt: MoreThan(new Date()) } });
    this.windows.set(workspaceId, groupWindows(windows).get(workspaceId) ?? []);
    this.forgetStatesOfRemovedRules();
  }

  /** A changed rule's cached series are dropped too: its thresholds may mean another state now. */
  private forgetStatesOfRemovedRules(): void {
    const current = new Set<number>();
    for (const rules of this.rules.values()) for (const r of rules) current.add(r.id);
    this.states.keepOnlyRules(current);
  }
}

/** A result or route rule with its condition, made once when the rules load rather than once per sample. */
interface IndexedRule {
  probeId: number | null;
  rule: AlertRuleEntity;
  condition: SeriesCondition;
}

function indexResultRules(rules: readonly AlertRuleEntity[]): RuleIndex<IndexedRule> {
  return new RuleIndex(
    rules.filter((r) => isResultMetric(r.metric)).map((rule) => ({ probeId: rule.probeId, rule, condition: conditionOf(rule) })),
  );
}

function indexRouteRules(rules: readonly AlertRuleEntity[]): RuleIndex<IndexedRule> {
  return new RuleIndex(rules.filter((r) => isRouteMetric(r.metric)).map((rule) => ({ probeId: rule.probeId, rule, condition: conditionOf(rule) })));
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
