import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Which top-level folder of controller/src imports which, read from the sources' relative
 * imports (type-only imports count too: they couple the folders just the same). Files directly
 * in controller/src (the app's wiring) are left out: they import every feature on purpose.
 */
export function folderImports(srcDir: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(srcDir)) {
    const from = folderOf(srcDir, file);
    if (!from) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const to = folderOf(srcDir, resolve(dirname(file), spec));
      if (to && to !== from) graph.get(from)?.add(to);
    }
  }
  return graph;
}

/** Every cycle's folders (strongly connected components with more than one folder), sorted. */
export function folderCycles(graph: Map<string, Set<string>>): string[][] {
  // Tarjan's algorithm: small graph, recursion depth bounded by the number of folders.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) !== indices.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return cycles;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function folderOf(srcDir: string, path: string): string | null {
  const parts = relative(srcDir, path).split(sep);
  if (parts.length < 2 || parts[0] === '..') return null;
  return parts[0];
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]*)['"]|import\(\s*['"](\.[^'"]*)['"]\s*\)/g;

function relativeImports(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}
