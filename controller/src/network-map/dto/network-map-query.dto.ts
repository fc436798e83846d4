import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { QueryInt } from '../../common/pagination';
import { TimeRangeQuery } from '../../common/time-range';

const MAX_ID = 2_147_483_647;

/** `from`/`to` as RFC 3339 or Unix time (as on the probe-data routes); `agentId` keeps one measuring agent's paths. */
export class NetworkMapQuery extends TimeRangeQuery {
  @IsOptional() @QueryInt() @IsInt({ message: 'agentId must be a positive integer' }) @Min(1) @Max(MAX_ID)
  agentId?: number;
}

export class PathHistoryQuery extends TimeRangeQuery {
  @QueryInt()
  @IsInt({ message: 'probeId is required and must be a positive integer' })
  @Min(1)
  @Max(MAX_ID)
  probeId!: number;

  @IsString({ message: 'target is required' })
  @MinLength(1, { message: 'target is required' })
  @MaxLength(253)
  target!: string;
}
