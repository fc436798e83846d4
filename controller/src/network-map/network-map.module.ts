import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { LookupsModule } from '../lookups/lookups.module';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { ProbesModule } from '../probes/probes.module';
import { HopEnricher } from './hop-enricher';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { NetworkMapController } from './network-map.controller';
import { NetworkMapService } from './network-map.service';

/** The workspace network map and path history from stored MTR results; owns no table. */
@Module({
  imports: [AgentsModule, ProbesModule, ProbeResultsModule, LookupsModule],
  controllers: [NetworkMapController, IncidentsController],
  providers: [NetworkMapService, HopEnricher, IncidentsService],
})
export class NetworkMapModule {}
