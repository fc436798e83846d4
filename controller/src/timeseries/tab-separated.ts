/**
 * ClickHouse's TabSeparated input format, for bulk inserts. The engine reads it faster than
 * JSONEachRow (no keys to match, no nested JSON to scan): 45–51 k against 30–33 k rows/s for
 * probe results on chDB (BENCHMARKS.md), and the write path is serialized on the insert.
 */
export type TsvValue = string | number | boolean | null;

/** The characters TabSeparated gives a meaning to, escaped as the engine unescapes them. */
const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_ALL = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

function field(value: TsvValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`TabSeparated cannot carry ${value}`);
  return String(value);
}

/** One line per row, columns in the given order; the body ends with a newline. */
export function toTabSeparated<Row>(rows: readonly Row[], columns: readonly (keyof Row & string)[]): string {
  let body = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      body += (i === 0 ? '' : '\t') + field(row[columns[i]] as TsvValue);
    }
    body += '\n';
  }
  return body;
}
