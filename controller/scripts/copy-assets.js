// tsc copies no non-TypeScript files; the ClickHouse migrations are plain .sql next to their code.
const { cpSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const from = join(__dirname, '..', 'src', 'timeseries', 'migrations');
const to = join(__dirname, '..', 'dist', 'timeseries', 'migrations');
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.ts') });
