import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { ProbesModule } from '../probes/probes.module';
import { ProbeRunEntity } from './probe-run.entity';
import { RunDirectory } from './run-directory.service';
import { RunStore } from './run-store';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';
import { SpeedtestQueueController } from './speedtest-queue.controller';
import { SpeedtestQueueEntity } from './speedtest-queue.entity';
import { SpeedtestQueue } from './speedtest-queue.service';

/**
 * On-demand runs and the speed-test queue; owns `probe_runs` and `speedtest_queue`. Exports
 * RunsService (the agent gateway hands it `run_status` and disconnects), SpeedtestQueue (kicked
 * when an agent connects) and RunDirectory (ingest: which runs a result may name). Talks to
 * agents and panels only through domain events (`run.start`, `run.cancel`, `run.changed`,
 * `speedtest.changed`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ProbeRunEntity, SpeedtestQueueEntity]), AgentsModule, ProbesModule, ProbeResultsModule],
  controllers: [RunsController, SpeedtestQueueController],
  providers: [RunStore, RunsService, SpeedtestQueue, RunDirectory],
  exports: [RunsService, SpeedtestQueue, RunDirectory],
})
export class RunsModule {}
