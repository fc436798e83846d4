import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { PendingInvitations } from '../auth/pending-invitations.port';
import { MemberEntity } from './member.entity';
import { WorkspaceEntity } from './workspace.entity';

/** Invitations by e-mail not yet accepted, in workspaces that still exist. */
@Injectable()
export class PendingInvitationsService implements PendingInvitations {
  constructor(@InjectRepository(MemberEntity) private readonly members: Repository<MemberEntity>) {}

  existsFor(email: string): Promise<boolean> {
    return this.members
      .createQueryBuilder('m')
      .innerJoin(WorkspaceEntity, 'w', 'w.id = m.workspace_id AND w.deleted_at IS NULL')
      .where('m.email = :email AND m.accepted_at IS NULL', { email })
      .getExists();
  }
}
