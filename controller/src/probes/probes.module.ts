import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { AgentConfigService } from './agent-config.service';
import { AgentProbeIndex } from './agent-probe-index.service';
import { ProbeAgentLifecycle } from './probe-agent-lifecycle';
import { ProbeChangePublisher } from './probe-change.publisher';
import { ProbeCopyService } from './probe-copy.service';
import { ProbeDirectory } from './probe-directory.service';
import { ProbeEntity } from './probe.entity';
import { ProbesController } from './probes.controller';
import { ProbesService } from './probes.service';
import { TrafficsimKeyEntity } from './trafficsim-key.entity';
import { TrafficsimPairs } from './trafficsim-pairs.service';

/**
 * Probe configuration; owns the `probes` table. Exports what an agent runs (AgentConfigService,
 * sent in `probe_get`), which probes it owns (AgentProbeIndex, for ingest) and read-only
 * lookups (ProbeDirectory, for probe data and charts). Owns `trafficsim_keys` (TrafficsimPairs:
 * TRAFFICSIM pair keys, only ever handed out in `probe_get`). Publishes
 * `probe.changed`; adds the default probes to every new agent (ProbeAgentLifecycle).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ProbeEntity, TrafficsimKeyEntity]), AgentsModule, ProbeResultsModule],
  controllers: [ProbesController],
  providers: [ProbesService, ProbeCopyService, ProbeChangePublisher, ProbeAgentLifecycle, AgentConfigService, AgentProbeIndex, ProbeDirectory, TrafficsimPairs],
  exports: [ProbesService, AgentConfigService, AgentProbeIndex, ProbeDirectory],
})
export class ProbesModule {}
