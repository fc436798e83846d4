import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { WORKSPACE_ROLES, WorkspaceRole } from '../member.entity';
import { IsEmailAddress, IsJsonObject, IsPositiveId, NormalizedEmail, OptionalNotNull } from './field-rules';

const ROLE_MESSAGE = `role must be one of ${WORKSPACE_ROLES.join(', ')}`;

export class InviteMemberDto {
  /**
   * The reference's own example sends `"userId": 0` next to an e-mail, so 0 means "not given"
   * rather than a validation error.
   */
  @OptionalNotNull()
  @Transform(({ value }: { value: unknown }) => (value === 0 ? undefined : value))
  @IsPositiveId('userId')
  userId?: number;

  @OptionalNotNull()
  @NormalizedEmail()
  @IsEmailAddress()
  email?: string;

  @IsIn(WORKSPACE_ROLES, { message: ROLE_MESSAGE })
  role!: WorkspaceRole;

  @IsOptional()
  @IsJsonObject()
  meta?: Record<string, unknown>;
}

export class UpdateMemberDto {
  @IsIn(WORKSPACE_ROLES, { message: ROLE_MESSAGE })
  role!: WorkspaceRole;
}

export class AcceptInviteDto {
  @NormalizedEmail()
  @IsEmailAddress()
  email!: string;
}

export class TransferOwnershipDto {
  @IsPositiveId('newOwnerUserId')
  newOwnerUserId!: number;
}
