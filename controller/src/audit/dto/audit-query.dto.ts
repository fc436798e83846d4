import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto, QueryInt } from '../../common/pagination';

export const AUDIT_FORMATS = ['json', 'csv'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** GET …/audit: filters, pagination (JSON) and the export format. */
export class AuditQueryDto extends PageQueryDto {
  /** The acting account's user id. */
  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'actor must be a user id' })
  @Min(1, { message: 'actor must be a user id' })
  @Max(2_147_483_647, { message: 'actor must be a user id' })
  actor?: number;

  /** An action (`probe.updated`) or an area (`probe`: every probe.* action). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z_]+(\.[a-z_]+)?$/, { message: 'action must be an action like probe.updated or an area like probe' })
  action?: string;

  /** RFC 3339 or Unix seconds, as everywhere (common/time-range.ts). */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;

  @IsOptional()
  @IsIn(AUDIT_FORMATS, { message: 'format must be json or csv' })
  format?: AuditFormat;
}
