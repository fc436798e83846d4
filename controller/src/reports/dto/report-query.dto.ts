import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { QueryInt } from '../../common/pagination';
import { TimeRangeQuery } from '../../common/time-range';
import type { SlaGrouping } from '../../probe-results/probe-report.repository';

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const SLA_GROUPINGS: readonly SlaGrouping[] = ['probe', 'agent', 'target'];

/** A report's range and format. `from`/`to` as the probe-data routes take them (RFC 3339 or Unix time). */
export class ReportQuery extends TimeRangeQuery {
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: `format must be one of ${REPORT_FORMATS.join(', ')}` })
  format: ReportFormat = 'json';
}

export class SlaReportQuery extends ReportQuery {
  /** An hour whose p95 latency is above this breaches the target. */
  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'target_latency_ms must be a whole number from 1 to 60000' })
  @Min(1, { message: 'target_latency_ms must be a whole number from 1 to 60000' })
  @Max(60_000, { message: 'target_latency_ms must be a whole number from 1 to 60000' })
  target_latency_ms: number = 100;

  @IsOptional()
  @IsIn(SLA_GROUPINGS, { message: `group_by must be one of ${SLA_GROUPINGS.join(', ')}` })
  group_by: SlaGrouping = 'probe';
}
