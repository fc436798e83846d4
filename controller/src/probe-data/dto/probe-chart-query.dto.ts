import { CHARTABLE_RESULT_TYPES, type ResultType } from '@netwatcher/shared';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_OFFSET, QueryInt } from '../../common/pagination';
import { TimeRangeQuery } from '../../common/time-range';

export const MAX_CHART_POINTS = 2000;
export const MAX_OVERVIEW_PROBES = 1000;
/** Result types with charts, from the probe catalogue (PING, MTR, SPEEDTEST). */
export const CHART_RESULT_TYPES: readonly ResultType[] = CHARTABLE_RESULT_TYPES;
export type ChartResultType = ResultType;

export class ProbeChartQuery extends TimeRangeQuery {
  @IsOptional()
  @QueryInt()
  @IsInt({ message: `points must be a whole number between 2 and ${MAX_CHART_POINTS}` })
  @Min(2, { message: `points must be a whole number between 2 and ${MAX_CHART_POINTS}` })
  @Max(MAX_CHART_POINTS, { message: `points must be a whole number between 2 and ${MAX_CHART_POINTS}` })
  points: number = 300;

  /** Which results of an AGENT probe to chart (it reports both); default PING, MTR for an MTR probe. */
  @IsOptional()
  @IsIn(CHART_RESULT_TYPES, { message: `type must be one of ${CHART_RESULT_TYPES.join(', ')}` })
  type?: ChartResultType;

  /** Only results toward this target (a probe may have several). */
  @IsOptional()
  @IsString()
  @MaxLength(253)
  target?: string;
}

export class ProbeOverviewQuery extends TimeRangeQuery {
  @IsOptional()
  @QueryInt()
  @IsInt({ message: `limit must be between 1 and ${MAX_OVERVIEW_PROBES}` })
  @Min(1, { message: `limit must be between 1 and ${MAX_OVERVIEW_PROBES}` })
  @Max(MAX_OVERVIEW_PROBES, { message: `limit must be between 1 and ${MAX_OVERVIEW_PROBES}` })
  limit: number = 100;

  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0, { message: 'offset must be 0 or more' })
  @Max(MAX_OFFSET, { message: `offset must be between 0 and ${MAX_OFFSET}` })
  offset: number = 0;
}
