import { join } from 'node:path';
import { folderCycles, folderImports } from './folder-imports';

const SRC = join(__dirname, '..');

describe('folder-level imports of controller/src', () => {
  it('form no cycle: dependencies point one way, from features down', () => {
    const cycles = folderCycles(folderImports(SRC));
    expect(cycles).toEqual([]);
  });

  it('keep the lower layers free of features', () => {
    const graph = folderImports(SRC);
    const lower = ['common', 'config', 'database', 'events', 'timeseries'];
    for (const folder of lower) {
      const features = [...(graph.get(folder) ?? [])].filter((to) => !lower.includes(to));
      expect({ folder, imports: features }).toEqual({ folder, imports: [] });
    }
  });

  it('finds a cycle when there is one (the check itself can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(folderCycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});
