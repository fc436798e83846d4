import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { MemberEntity } from './member.entity';
import { WorkspaceEntity } from './workspace.entity';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { WorkspaceLockService } from './workspace-lock.service';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

/** The workspaces and members REST API; access checks come from the global WorkspaceAccessModule. */
@Module({
  imports: [TypeOrmModule.forFeature([WorkspaceEntity, MemberEntity]), AuthModule],
  controllers: [WorkspacesController, MembersController],
  providers: [WorkspacesService, MembersService, WorkspaceLockService],
  exports: [WorkspacesService],
})
export class WorkspacesModule {}
