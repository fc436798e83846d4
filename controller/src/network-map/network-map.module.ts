import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { LookupsModule } from '../lookups/lookups.module';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { ProbesModule } from '../probes/probes.module';
import { AsPaths } from './as-paths';
import { HopEnricher } from './hop-enricher';
import { HopNames } from './hop-names';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { MapUpdates } from './map-updates';
import { NetworkMapController } from './network-map.controller';
import { NetworkMapService } from './network-map.service';
import { RouteChangesController } from './route-changes.controller';
import { RouteChangesService } from './route-changes.service';
import { ROUTE_HISTORY_ENTITIES } from './route-history.entities';
import { RouteHistory } from './route-history.service';

/**
 * The workspace network map and path history from stored MTR results; owns the route history
 * (route_paths, route_changes) and publishes `route.checked` and `network_map.changed`.
 */
@Module({
  imports: [TypeOrmModule.forFeature(ROUTE_HISTORY_ENTITIES), AgentsModule, ProbesModule, ProbeResultsModule, LookupsModule],
  controllers: [NetworkMapController, IncidentsController, RouteChangesController],
  providers: [NetworkMapService, HopEnricher, AsPaths, HopNames, IncidentsService, RouteHistory, RouteChangesService, MapUpdates],
})
export class NetworkMapModule {}
