import { join, resolve } from 'node:path';

/** Compiled to bench/dist/bench/lib, so the repository root is four levels up. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const BENCH_DIR = join(REPO_ROOT, 'bench');
export const BENCH_DIST = join(BENCH_DIR, 'dist', 'bench');
export const CACHE_DIR = join(BENCH_DIR, '.cache');
export const CONTROLLER_MAIN = join(REPO_ROOT, 'controller', 'dist', 'main.js');
export const AGENT_BIN = join(REPO_ROOT, 'agent', 'bin', 'netwatcher-agent.js');
export const CLICKHOUSE_MIGRATIONS = join(REPO_ROOT, 'controller', 'src', 'timeseries', 'migrations');
export const workerPath = (name: string): string => join(BENCH_DIST, 'workers', `${name}.js`);
