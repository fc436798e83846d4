import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { ProbeChangeNotifier } from './probe-change.notifier';
import { ProbeCopyService } from './probe-copy.service';
import { ProbesController } from './probes.controller';
import { ProbesService } from './probes.service';

/**
 * Probe configuration REST. Exports ProbeChangeNotifier: the agent gateway subscribes to push a
 * changed configuration to the connected agent.
 */
@Module({
  imports: [DatabaseModule],
  controllers: [ProbesController],
  providers: [ProbesService, ProbeCopyService, ProbeChangeNotifier],
  exports: [ProbeChangeNotifier, ProbesService],
})
export class ProbesModule {}
