import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'chdb';

/**
 * A loopback stand-in for a ClickHouse server's HTTP interface, executing with chDB. No modern
 * ClickHouse server package is installable here (Debian ships 18.16, without DateTime64 or query
 * parameters), so this lets the real HTTP transport of @clickhouse/client run end to end:
 * SQL in the body or `query`, `param_*` bindings, inline INSERT data, errors as ClickHouse words them.
 */
export interface ClickHouseHttpFixture {
  url: string;
  requests: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** URL parameters of the HTTP interface that are not settings. */
const NOT_SETTINGS = new Set(['query', 'query_id', 'database', 'default_format', 'session_id', 'session_timeout', 'user', 'password']);

export async function startClickHouseHttpFixture(path: string): Promise<ClickHouseHttpFixture> {
  const session = new Session(path);
  // What a server does by default and chDB does not: 64-bit integers quoted in JSON output.
  await session.queryAsync('SET output_format_json_quote_64bit_integers = 1');
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? '/', 'http://fixture');
    if (url.pathname === '/ping') {
      res.end('Ok.\n');
      return;
    }
    void readBody(req).then(async (body) => {
      const inUrl = url.searchParams.get('query');
      // INSERT … FORMAT JSONEachRow arrives as `query` with the rows as the body.
      const sql = inUrl ? `${inUrl}\n${body}` : body;
      const params: Record<string, string> = {};
      const settings: [string, string][] = [];
      for (const [key, value] of url.searchParams) {
        if (key.startsWith('param_')) params[key.slice(6)] = value;
        else if (!NOT_SETTINGS.has(key) && /^[a-z0-9_]+$/.test(key)) settings.push([key, value]);
      }
      try {
        // Settings arrive as URL parameters; the fixture serves one test at a time, so SET is enough.
        for (const [key, value] of settings) await session.queryAsync(`SET ${key} = '${value.replace(/'/g, "''")}'`);
        const result = Object.keys(params).length > 0 ? await session.queryBindAsync(sql, params) : await session.queryAsync(sql);
        res.setHeader('X-ClickHouse-Summary', JSON.stringify({ read_rows: String(result.rowsRead), written_rows: '0' }));
        res.end(Buffer.from(result.bytes()));
      } catch (e) {
        res.statusCode = 500;
        res.setHeader('X-ClickHouse-Exception-Code', '1');
        res.end((e as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          session.close();
          resolve();
        }),
      ),
  };
}
