import { IsDateString, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsPositiveId } from '../../workspaces/dto/field-rules';

export class CreateMaintenanceWindowDto {
  @IsDateString({ strict: true }, { message: 'starts_at must be an RFC 3339 date-time' })
  starts_at!: string;

  @IsDateString({ strict: true }, { message: 'ends_at must be an RFC 3339 date-time' })
  ends_at!: string;

  /** Absent or null: the whole workspace. */
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsPositiveId('agent_id')
  agent_id?: number | null;

  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason?: string;
}
