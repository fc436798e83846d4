/**
 * Issue 5, item 4: 30 days of 1-minute results for 1,000 probes (~43 M rows) in chDB, then the
 * latency of a 30-day, 300-point series for one probe and of a workspace overview, from raw
 * rows and from the rollups: through the store on chDB, through the ClickHouse HTTP transport
 * (loopback fixture), and end to end through the controller's REST API.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, createAgent, createProbe, createWorkspace, registerUser } from '../lib/api';
import { mapLimit } from '../lib/concurrency';
import { startController } from '../lib/controller';
import { workerPath } from '../lib/paths';
import { Summary, timeRepeated } from '../lib/stats';
import { tempDir } from '../lib/temp';
import { log, SuiteOptions, SuiteResult, TargetResult } from '../lib/suite';
import type { ChartStoreInput } from '../workers/chart-store';

const SUITE = 'charts';
const DAYS = 30;

function runWorker(name: string, input: unknown, dir: string): Promise<Record<string, unknown>> {
  const inFile = join(dir, `${name}-in.json`);
  const outFile = join(dir, `${name}-out.json`);
  writeFileSync(inFile, JSON.stringify(input));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerPath(name), inFile, outFile], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} worker exited with ${code}`));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      resolve(require(outFile) as Record<string, unknown>);
    });
  });
}

export async function run(opts: SuiteOptions): Promise<SuiteResult> {
  const probeCount = opts.quick ? 20 : 1000;
  const probesPerAgent = opts.quick ? 20 : 100;
  const temp = tempDir('nw-bench-charts-');
  const dataDir = temp.path;
  try {
    // 1. The probes exist in Postgres (PGlite) through the API, so the REST endpoints can be timed on them.
    let ctl = await startController({ dataDir });
    const anon = new Api(ctl.url);
    const user = await registerUser(anon, 'charts');
    const api = anon.as(user.token);
    const workspaceId = await createWorkspace(api, 'bench-charts');
    const agentIds = await mapLimit(Array.from({ length: probeCount / probesPerAgent }, (_, i) => i), 4, async (i) => (await createAgent(api, workspaceId, `chart-agent-${i + 1}`)).id);
    const probes = (
      await mapLimit(agentIds, 2, (agentId) =>
        mapLimit(Array.from({ length: probesPerAgent }, (_, i) => i), 4, async (i) => ({
          id: await createProbe(api, workspaceId, agentId, { type: 'PING', targets: [`10.1.${agentId % 256}.${i}`] }),
          agentId,
        })),
      )
    ).flat();
    await ctl.stop();
    log(SUITE, `${probes.length} probes on ${agentIds.length} agents created through the API`);

    // 2. The dataset and store-level timings, in a process of its own (one chDB directory per process).
    const input: ChartStoreInput = {
      dataDir,
      workspaceId,
      probes,
      days: DAYS,
      viewHours: 6,
      reps: opts.quick
        ? { chart: 10, overviewRollup: 2, overviewRaw: 1, http: 6, inserts: 5 }
        : { chart: 40, overviewRollup: 3, overviewRaw: 2, http: 20, inserts: 30 },
    };
    const store = await runWorker('chart-store', input, dataDir);

    // 3. End to end: the controller on the same data directory, through REST with a JWT.
    ctl = await startController({ dataDir });
    const to = Date.now();
    const from = to - DAYS * 86_400_000;
    const probe = (i: number) => probes[(i * 104_729) % probes.length].id;
    const iso = (ms: number) => new Date(ms).toISOString();
    const restApi = new Api(ctl.url, user.token);
    let rest: Record<string, unknown>;
    try {
      const sample = await restApi.get<{ bucket_seconds: number; source: string; data: unknown[] }>(
        `/workspaces/${workspaceId}/probe-data/probes/${probe(0)}/chart?from=${iso(from)}&to=${iso(to)}&points=300`,
      );
      const overviewSource = async (query: string) => (await restApi.get<{ source: string }>(`/workspaces/${workspaceId}/probe-data/overview?${query}`)).source;
      rest = {
        chart: { bucket_seconds: sample.bucket_seconds, source: sample.source, points: sample.data.length },
        overview_sources: { '24h': await overviewSource('limit=1000'), '30d': await overviewSource(`from=${iso(from)}&to=${iso(to)}&limit=1000`) },
        chart_30d_ms: await timeRepeated(opts.quick ? 10 : 50, (i) =>
          restApi.get(`/workspaces/${workspaceId}/probe-data/probes/${probe(i)}/chart?from=${iso(from)}&to=${iso(to)}&points=300`),
        ),
        overview_24h_ms: await timeRepeated(opts.quick ? 3 : 10, () => restApi.get(`/workspaces/${workspaceId}/probe-data/overview?limit=1000`)),
        overview_30d_ms: await timeRepeated(opts.quick ? 1 : 3, () =>
          restApi.get(`/workspaces/${workspaceId}/probe-data/overview?from=${iso(from)}&to=${iso(to)}&limit=1000`),
        ),
      };
    } finally {
      await ctl.stop();
    }

    const restChart = rest.chart_30d_ms as Summary;
    const chdb = store.chdb as Record<string, Record<string, Summary>>;
    const targets: TargetResult[] = [
      {
        id: 'chart_30d_p95',
        label: '30-day chart (300 points), p95',
        target: '< 150 ms',
        value: `${restChart.p95} ms through the REST API (merged tables); store alone on chDB ${chdb.as_built.chart_30d_rollup_ms.p95} ms as built, ${chdb.merged.chart_30d_rollup_ms.p95} ms once merged (${probeCount} probes × ${DAYS} days, hourly rollup)`,
        met: opts.quick ? null : restChart.p95 < 150,
        ...(opts.quick ? { reason: '--quick uses 20 probes, not the 1,000 of the target dataset' } : {}),
      },
    ];
    return { ...store, rest, targets };
  } finally {
    temp.remove();
  }
}
