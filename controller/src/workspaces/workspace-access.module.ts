import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MemberEntity } from './member.entity';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceAccessService } from './workspace-access.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([WorkspaceEntity, MemberEntity])],
  providers: [WorkspaceAccessService],
  exports: [WorkspaceAccessService],
})
export class WorkspaceAccessModule {}
