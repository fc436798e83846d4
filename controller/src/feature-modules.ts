import type { Type } from '@nestjs/common';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AgentsModule } from './agents/agents.module';
import { ProbesModule } from './probes/probes.module';
import { LookupsModule } from './lookups/lookups.module';
import { AgentApiModule } from './agent-api/agent-api.module';
import { WorkspacesModule } from './workspaces/workspaces.module';
import { IngestModule } from './ingest/ingest.module';
import { ProbeDataModule } from './probe-data/probe-data.module';
import { ProbeResultsModule } from './probe-results/probe-results.module';
import { RealtimeModule } from './realtime/realtime.module';
import { LocalAgentModule } from './local-agent/local-agent.module';
import { AgentReleaseModule } from './agent-release/agent-release.module';
import { PanelWebModule } from './panel-web/panel-web.module';
import { MetricsModule } from './metrics/metrics.module';
import { WorkspaceTransferModule } from './workspace-transfer/workspace-transfer.module';
import { ReportsModule } from './reports/reports.module';
import { NetworkMapModule } from './network-map/network-map.module';
import { RunsModule } from './runs/runs.module';
import { SpeedtestModule } from './speedtest/speedtest.module';

/**
 * Feature modules are listed here, one line each, so adding a feature touches one file and
 * never the app's wiring.
 */
export const FEATURE_MODULES: Type<unknown>[] = [
  // First: its GET /workspaces/alerts must be matched before /workspaces/:id.
  AlertsModule,
  AgentsModule,
  ProbesModule,
  LookupsModule,
  AgentApiModule,
  WorkspacesModule,
  ProbeResultsModule,
  IngestModule,
  ProbeDataModule,
  RealtimeModule,
  LocalAgentModule,
  AgentReleaseModule,
  MetricsModule,
  WorkspaceTransferModule,
  ReportsModule,
  NetworkMapModule,
  RunsModule,
  SpeedtestModule,
  AuditModule,
  // Last: the panel takes only what no API route did.
  PanelWebModule,
];
