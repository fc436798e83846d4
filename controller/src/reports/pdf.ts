import PDFDocument from 'pdfkit';
import type { Column } from './csv';

export interface PdfTable<Row> {
  title: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  /** Shown instead of an empty table. */
  empty: string;
}

export interface PdfReport {
  title: string;
  /** Lines under the title: workspace, range, parameters. */
  lines: string[];
  // Rows of different tables differ; each table is typed where it is built.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tables: PdfTable<any>[];
}

const MARGIN = 40;

/**
 * A plain A4 landscape PDF: title, the report's parameters, then each table as aligned text
 * columns. Only the standard Helvetica fonts, which every PDF reader has: nothing to download.
 */
export function renderPdf(report: PdfReport): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, info: { Title: report.title, Producer: 'NetWatcher' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(report.title);
  doc.font('Helvetica').fontSize(9);
  for (const line of report.lines) doc.text(line);
  for (const table of report.tables) {
    doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(11).text(table.title);
    doc.fontSize(8);
    if (table.rows.length === 0) {
      doc.font('Helvetica').text(table.empty);
      continue;
    }
    const width = (doc.page.width - 2 * MARGIN) / table.columns.length;
    const row = (cells: string[], bold: boolean): void => {
      if (doc.y > doc.page.height - MARGIN - 20) doc.addPage();
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
      cells.forEach((text, i) => doc.text(text, MARGIN + i * width, y, { width: width - 4, lineBreak: false, ellipsis: true }));
      doc.x = MARGIN;
      doc.y = y + 12;
    };
    row(table.columns.map((c) => c.heading), true);
    for (const r of table.rows) row(table.columns.map((c) => { const v = c.value(r); return v === null || v === undefined ? '–' : String(v); }), false);
  }
  doc.end();
  return done;
}
