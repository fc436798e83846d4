/**
 * What Grafana and the grafana-clickhouse-datasource plugin do to a panel's SQL before it reaches
 * ClickHouse: template variables first (Grafana), then the plugin's macros, with the expansions
 * the plugin documents. Anything left starting with `$` is an error, so a macro this file does
 * not know cannot slip through untested.
 */
export interface GrafanaQueryContext {
  fromMs: number;
  toMs: number;
  intervalSeconds: number;
  variables: Record<string, string | string[]>;
}

function interpolateVariables(sql: string, vars: GrafanaQueryContext['variables']): string {
  return sql.replace(/\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g, (whole, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    if (!(name in vars)) throw new Error(`unknown template variable ${whole}`);
    const value = vars[name];
    const values = Array.isArray(value) ? value : [value];
    switch (format) {
      case undefined:
      case 'csv':
        return values.join(',');
      case 'singlequote':
        return values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
      default:
        throw new Error(`unsupported variable format ${whole}`);
    }
  });
}

function expandMacros(sql: string, ctx: GrafanaQueryContext): string {
  const from = Math.floor(ctx.fromMs / 1000);
  const to = Math.floor(ctx.toMs / 1000);
  return sql
    .replace(/\$__timeFilter_ms\(([^)]+)\)/g, (_, c: string) => `${c.trim()} >= fromUnixTimestamp64Milli(${ctx.fromMs}) AND ${c.trim()} <= fromUnixTimestamp64Milli(${ctx.toMs})`)
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, c: string) => `${c.trim()} >= toDateTime(${from}) AND ${c.trim()} <= toDateTime(${to})`)
    .replace(/\$__timeInterval_ms\(([^)]+)\)/g, (_, c: string) => `toStartOfInterval(toDateTime64(${c.trim()}, 3), INTERVAL ${ctx.intervalSeconds * 1000} millisecond)`)
    .replace(/\$__timeInterval\(([^)]+)\)/g, (_, c: string) => `toStartOfInterval(toDateTime(${c.trim()}), INTERVAL ${ctx.intervalSeconds} second)`)
    .replace(/\$__fromTime_ms\b/g, `fromUnixTimestamp64Milli(${ctx.fromMs})`)
    .replace(/\$__toTime_ms\b/g, `fromUnixTimestamp64Milli(${ctx.toMs})`)
    .replace(/\$__fromTime\b/g, `toDateTime(${from})`)
    .replace(/\$__toTime\b/g, `toDateTime(${to})`)
    .replace(/\$__interval_s\b/g, String(ctx.intervalSeconds));
}

export function renderGrafanaSql(sql: string, ctx: GrafanaQueryContext): string {
  const rendered = expandMacros(interpolateVariables(sql, ctx.variables), ctx);
  const left = /\$[\w{]+/.exec(rendered);
  if (left) throw new Error(`unexpanded ${left[0]} in: ${rendered}`);
  return rendered;
}
