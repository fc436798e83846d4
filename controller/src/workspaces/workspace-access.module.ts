import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PENDING_INVITATIONS } from '../auth/pending-invitations.port';
import { WORKSPACE_MEMBERSHIP } from '../auth/workspace-membership.port';
import { MemberEntity } from './member.entity';
import { PendingInvitationsService } from './pending-invitations.service';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceAccessService } from './workspace-access.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([WorkspaceEntity, MemberEntity])],
  providers: [
    WorkspaceAccessService,
    { provide: PENDING_INVITATIONS, useClass: PendingInvitationsService },
    { provide: WORKSPACE_MEMBERSHIP, useExisting: WorkspaceAccessService },
  ],
  exports: [WorkspaceAccessService, PENDING_INVITATIONS, WORKSPACE_MEMBERSHIP],
})
export class WorkspaceAccessModule {}
