import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { LookupsModule } from '../lookups/lookups.module';
import { AgentApiController } from './agent-api.controller';
import { AgentApiService } from './agent-api.service';

@Module({
  imports: [AgentsModule, LookupsModule],
  controllers: [AgentApiController],
  providers: [AgentApiService],
})
export class AgentApiModule {}
