import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PENDING_INVITATIONS } from '../auth/pending-invitations.port';
import { MemberEntity } from './member.entity';
import { PendingInvitationsService } from './pending-invitations.service';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceAccessService } from './workspace-access.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([WorkspaceEntity, MemberEntity])],
  providers: [WorkspaceAccessService, { provide: PENDING_INVITATIONS, useClass: PendingInvitationsService }],
  exports: [WorkspaceAccessService, PENDING_INVITATIONS],
})
export class WorkspaceAccessModule {}
