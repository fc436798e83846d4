import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { ALL_SCOPES, type Scope } from '../../scopes';

/** More than any user needs; keeps one account from filling the table. */
export const MAX_WORKSPACES_PER_TOKEN = 100;

export class CreateApiTokenDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'name must be a string' })
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name!: string;

  @IsArray({ message: 'scopes must be a list' })
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @ArrayMaxSize(ALL_SCOPES.length, { message: `scopes has at most ${ALL_SCOPES.length} entries` })
  @ArrayUnique({ message: 'scopes must not repeat' })
  @IsIn(ALL_SCOPES, { each: true, message: `each scope must be one of ${ALL_SCOPES.join(', ')}` })
  scopes!: Scope[];

  /** Absent or null: every workspace of the user. */
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsArray({ message: 'workspace_ids must be a list of workspace ids, or null for all' })
  @ArrayMinSize(1, { message: 'workspace_ids must name at least one workspace (null: all)' })
  @ArrayMaxSize(MAX_WORKSPACES_PER_TOKEN, { message: `workspace_ids has at most ${MAX_WORKSPACES_PER_TOKEN} entries` })
  @ArrayUnique({ message: 'workspace_ids must not repeat' })
  @IsInt({ each: true, message: 'each workspace id must be a positive integer' })
  @Min(1, { each: true, message: 'each workspace id must be a positive integer' })
  @Max(2_147_483_647, { each: true, message: 'each workspace id must be a positive integer' })
  workspace_ids?: number[] | null;

  /** Absent or null: the token does not expire (it can still be deleted). */
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsDateString({ strict: true }, { message: 'expires_at must be an RFC 3339 date-time' })
  expires_at?: string | null;
}
