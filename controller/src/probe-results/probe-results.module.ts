import { Module } from '@nestjs/common';
import { LatestReportsRepository } from './latest-reports.repository';
import { ProbeChartRepository } from './probe-chart.repository';
import { MtrPathsRepository } from './mtr-paths.repository';
import { ProbeDataRepository } from './probe-data.repository';
import { ProbeReportRepository } from './probe-report.repository';
import { ProbeResultsRepository } from './probe-results.repository';

/**
 * Owner of the ClickHouse table `probe_results` and its rollup `probe_rollup_1h`: the row shape
 * and column list (probe-result.row.ts), the write side (ingest), the read sides (probe data,
 * charts, latest agent reports, availability reports, MTR hop lists for the network map). No other folder writes SQL against these tables.
 */
@Module({
  providers: [ProbeResultsRepository, ProbeDataRepository, ProbeChartRepository, LatestReportsRepository, ProbeReportRepository, MtrPathsRepository],
  exports: [ProbeResultsRepository, ProbeDataRepository, ProbeChartRepository, LatestReportsRepository, ProbeReportRepository, MtrPathsRepository],
})
export class ProbeResultsModule {}
