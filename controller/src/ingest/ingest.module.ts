import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { AgentProbeIndex } from './agent-probe-index.service';
import { IngestService } from './ingest.service';
import { ProbeResultsRepository } from './probe-results.repository';

@Module({
  imports: [DatabaseModule],
  providers: [IngestService, AgentProbeIndex, ProbeResultsRepository],
  exports: [IngestService, AgentProbeIndex],
})
export class IngestModule {}
