import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { WorkspaceAccessService } from './workspace-access.service';

@Global()
@Module({
  imports: [DatabaseModule],
  providers: [WorkspaceAccessService],
  exports: [WorkspaceAccessService],
})
export class WorkspaceAccessModule {}
