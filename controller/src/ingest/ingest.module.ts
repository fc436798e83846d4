import { Module } from '@nestjs/common';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { ProbesModule } from '../probes/probes.module';
import { RunsModule } from '../runs/runs.module';
import { IngestService } from './ingest.service';

/** The result pipeline: validate, store through probe-results, publish `results.new` / `results.stored`. */
@Module({
  imports: [ProbesModule, ProbeResultsModule, RunsModule],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}
