import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { InWorkspace, WorkspaceRoute, type WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { type Column, toCsv } from './csv';
import { ReportQuery, SlaReportQuery, type ReportFormat } from './dto/report-query.dto';
import { renderPdf, type PdfReport } from './pdf';
import { ALERT_COLUMNS, alertPdf, overviewPdf, slaColumns, slaPdf } from './report-documents';
import { reportRange } from './report-range';
import { AlertReport, OverviewReport, ReportsService, SlaReport } from './reports.service';

/** For OpenAPI: the file formats; the JSON answer is read from each handler's return type. */
const ReportFiles = (): MethodDecorator =>
  ApiOkResponse({
    description: 'The report as JSON, or with `format=csv` (its main table) or `format=pdf` (the whole report) as a download.',
    content: { 'text/csv': { schema: { type: 'string' } }, 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  });

/** GET /workspaces/{id}/reports/…: JSON by default, `format=csv` or `format=pdf` as a download. */
@Controller('workspaces/:id/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('sla')
  @ReportFiles()
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  async sla(@InWorkspace() at: WorkspaceTarget, @Query() q: SlaReportQuery, @Res({ passthrough: true }) res: Response): Promise<SlaReport | string | StreamableFile> {
    const report = await this.reports.sla(at.user.id, at.workspaceId, reportRange(q.from, q.to), q.group_by, q.target_latency_ms);
    return this.render(res, q.format, 'sla', report, slaColumns(report.group_by), report.rows, slaPdf);
  }

  @Get('alerts')
  @ReportFiles()
  @WorkspaceRoute('VIEWER', 'alerts:read')
  async alerts(@InWorkspace() at: WorkspaceTarget, @Query() q: ReportQuery, @Res({ passthrough: true }) res: Response): Promise<AlertReport | string | StreamableFile> {
    const report = await this.reports.alertSummary(at.user.id, at.workspaceId, reportRange(q.from, q.to));
    return this.render(res, q.format, 'alerts', report, ALERT_COLUMNS, report.by_severity, alertPdf);
  }

  @Get('overview')
  @ReportFiles()
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  async overview(@InWorkspace() at: WorkspaceTarget, @Query() q: SlaReportQuery, @Res({ passthrough: true }) res: Response): Promise<OverviewReport | string | StreamableFile> {
    const report = await this.reports.overview(at.user.id, at.workspaceId, reportRange(q.from, q.to), q.target_latency_ms);
    return this.render(res, q.format, 'overview', report, slaColumns('agent'), report.availability_by_agent, overviewPdf);
  }

  /** CSV carries the report's main table; PDF the whole report; JSON is the report itself. */
  private async render<R extends { workspace: { id: number } }, Row>(
    res: Response,
    format: ReportFormat,
    name: string,
    report: R,
    columns: Column<Row>[],
    rows: Row[],
    pdf: (r: R) => PdfReport,
  ): Promise<R | string | StreamableFile> {
    if (format === 'json') return report;
    const file = `netwatcher-${name}-workspace-${report.workspace.id}.${format}`;
    res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8');
      return toCsv(columns, rows);
    }
    return new StreamableFile(await renderPdf(pdf(report)), { type: 'application/pdf' });
  }
}
