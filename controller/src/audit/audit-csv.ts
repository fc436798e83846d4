import { AUDIT_COLUMNS, AuditEntryView } from './audit.view';

/**
 * A CSV cell: always quoted, quotes doubled, and a leading = + - @ (or tab/CR) neutralised with a
 * quote mark so a spreadsheet opening the export never runs an entry's text as a formula.
 */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function auditCsv(entries: readonly AuditEntryView[]): string {
  const lines = [AUDIT_COLUMNS.join(',')];
  for (const e of entries) lines.push(AUDIT_COLUMNS.map((c) => csvCell(e[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
