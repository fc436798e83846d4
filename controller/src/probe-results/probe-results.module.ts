import { Module } from '@nestjs/common';
import { LatestReportsRepository } from './latest-reports.repository';
import { ProbeChartRepository } from './probe-chart.repository';
import { ProbeDataRepository } from './probe-data.repository';
import { ProbeReportRepository } from './probe-report.repository';
import { ProbeResultsRepository } from './probe-results.repository';

/**
 * Owner of the ClickHouse table `probe_results` and its rollup `probe_rollup_1h`: the row shape
 * and column list (probe-result.row.ts), the write side (ingest), the read sides (probe data,
 * charts, latest agent reports, availability reports). No other folder writes SQL against these tables.
 */
@Module({
  providers: [ProbeResultsRepository, ProbeDataRepository, ProbeChartRepository, LatestReportsRepository, ProbeReportRepository],
  exports: [ProbeResultsRepository, ProbeDataRepository, ProbeChartRepository, LatestReportsRepository, ProbeReportRepository],
})
export class ProbeResultsModule {}
