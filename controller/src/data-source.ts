// Entry point for the TypeORM CLI (`npx typeorm -d controller/dist/data-source.js migration:run`).
// The controller itself builds its DataSource from the same options in DatabaseModule, where each
// feature module registers its own entities; the CLI has no modules, so it lists them all here.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AgentEntity } from './agents/agent.entity';
import { ALERT_ENTITIES } from './alerts/alert-entities';
import { AuditEntryEntity } from './audit/audit-entry.entity';
import { RevokedSessionEntity } from './auth/revoked-session.entity';
import { ApiTokenEntity } from './auth/tokens/api-token.entity';
import { UserEntity } from './auth/user.entity';
import { loadConfig } from './config/config';
import { buildDataSourceOptions } from './database/database.options';
import { ROUTE_HISTORY_ENTITIES } from './network-map/route-history.entities';
import { ProbeEntity } from './probes/probe.entity';
import { ProbeRunEntity } from './runs/probe-run.entity';
import { SpeedtestQueueEntity } from './runs/speedtest-queue.entity';
import { MemberEntity } from './workspaces/member.entity';
import { WorkspaceEntity } from './workspaces/workspace.entity';

export const ENTITIES = [UserEntity, RevokedSessionEntity, ApiTokenEntity, WorkspaceEntity, MemberEntity, AgentEntity, ProbeEntity, ...ALERT_ENTITIES, AuditEntryEntity, ProbeRunEntity, SpeedtestQueueEntity, ...ROUTE_HISTORY_ENTITIES];

export default new DataSource(buildDataSourceOptions(loadConfig(), ENTITIES));
