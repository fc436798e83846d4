import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { WorkspaceAccessEvents } from './workspace-access-events';
import { WorkspaceAccessService } from './workspace-access.service';

@Global()
@Module({
  imports: [DatabaseModule],
  providers: [WorkspaceAccessService, WorkspaceAccessEvents],
  exports: [WorkspaceAccessService, WorkspaceAccessEvents],
})
export class WorkspaceAccessModule {}
