import { Global, Module } from '@nestjs/common';
import { PENDING_INVITATIONS } from '../auth/pending-invitations.port';
import { DatabaseModule } from '../database/database.module';
import { PendingInvitationsService } from './pending-invitations.service';
import { WorkspaceAccessService } from './workspace-access.service';

@Global()
@Module({
  imports: [DatabaseModule],
  providers: [WorkspaceAccessService, { provide: PENDING_INVITATIONS, useClass: PendingInvitationsService }],
  exports: [WorkspaceAccessService, PENDING_INVITATIONS],
})
export class WorkspaceAccessModule {}
