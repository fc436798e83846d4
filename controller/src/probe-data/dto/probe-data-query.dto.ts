import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PROBE_TYPES, ProbeType } from '@netwatcher/shared';
import { MAX_OFFSET, QueryInt } from '../../common/pagination';
import { TimeRangeQuery } from '../../common/time-range';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);
const MAX_ID = 2_147_483_647;

export const MAX_ROWS = 10_000;

class SortedRangeQuery extends TimeRangeQuery {
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'asc must be true or false' })
  asc?: boolean;
}

export class FindProbeDataQuery extends SortedRangeQuery {
  @IsOptional()
  @IsIn(PROBE_TYPES, { message: `type must be one of ${PROBE_TYPES.join(', ')}` })
  type?: ProbeType;

  @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(MAX_ID)
  probeId?: number;

  @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(MAX_ID)
  agentId?: number;

  @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(MAX_ID)
  probeAgentId?: number;

  @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(MAX_ID)
  targetAgent?: number;

  @IsOptional()
  @IsString()
  @MaxLength(253)
  targetPrefix?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'triggered must be true or false' })
  triggered?: boolean;

  @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(MAX_ROWS)
  limit: number = 100;

  @IsOptional() @QueryInt() @IsInt() @Min(0) @Max(MAX_OFFSET, { message: `offset must be between 0 and ${MAX_OFFSET}` })
  offset: number = 0;
}

export class ProbeSeriesQuery extends SortedRangeQuery {
  /** 0 means "no limit" in the seed; the controller still caps a response at MAX_ROWS. */
  @IsOptional() @QueryInt() @IsInt() @Min(0) @Max(MAX_ROWS)
  limit: number = 0;
}

export class LatestProbeDataQuery {
  @IsIn(PROBE_TYPES, { message: `type is required and must be one of ${PROBE_TYPES.join(', ')}` })
  type!: ProbeType;

  @QueryInt()
  @IsInt({ message: 'agentId is required and must be a positive integer' })
  @Min(1)
  @Max(MAX_ID)
  agentId!: number;

  @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(MAX_ID)
  probeId?: number;
}

export class ByTargetQuery extends SortedRangeQuery {
  @IsString({ message: 'target is required' })
  @MaxLength(253)
  target!: string;

  @IsOptional()
  @IsIn(PROBE_TYPES, { message: `type must be one of ${PROBE_TYPES.join(', ')}` })
  type?: ProbeType;

  @IsOptional() @QueryInt() @IsInt() @Min(1) @Max(MAX_ROWS)
  limit: number = 100;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'latestOnly must be true or false' })
  latestOnly?: boolean;
}

export class SimilarProbesQuery {
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'sameType must be true or false' })
  sameType: boolean = true;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'includeSelf must be true or false' })
  includeSelf: boolean = false;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'latest must be true or false' })
  latest: boolean = false;
}
