/** A column of a rendered table: its heading and how a row's value is read. */
export interface Column<Row> {
  heading: string;
  value: (row: Row) => string | number | boolean | null | undefined;
}

/**
 * RFC 4180 CSV (CRLF, quotes doubled). A text cell that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab, CR at the start) gets a leading `'`, as OWASP advises for CSV
 * injection; numbers are written as numbers.
 */
export function toCsv<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cell = (v: string | number | boolean | null | undefined): string => {
    if (v === null || v === undefined) return '';
    if (typeof v !== 'string') return String(v);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [columns.map((c) => cell(c.heading)), ...rows.map((r) => columns.map((c) => cell(c.value(r))))];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}
