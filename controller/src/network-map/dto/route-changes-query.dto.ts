import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto, QueryInt } from '../../common/pagination';

const MAX_ID = 2_147_483_647;

/** GET …/network-map/route-changes: time range (RFC 3339 or Unix time), probe and agent filters, paging. */
export class RouteChangesQuery extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;

  @IsOptional() @QueryInt() @IsInt({ message: 'probeId must be a positive integer' }) @Min(1, { message: 'probeId must be a positive integer' }) @Max(MAX_ID)
  probeId?: number;

  @IsOptional() @QueryInt() @IsInt({ message: 'agentId must be a positive integer' }) @Min(1, { message: 'agentId must be a positive integer' }) @Max(MAX_ID)
  agentId?: number;
}
