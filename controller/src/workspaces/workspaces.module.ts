import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { WorkspaceLockService } from './workspace-lock.service';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

/** The workspaces and members REST API; access checks come from the global WorkspaceAccessModule. */
@Module({
  imports: [DatabaseModule],
  controllers: [WorkspacesController, MembersController],
  providers: [WorkspacesService, MembersService, WorkspaceLockService],
  exports: [WorkspacesService],
})
export class WorkspacesModule {}
