/**
 * Last-resort cleanup when a test process exits without calling destroy()/close() (a crash,
 * a forgotten afterAll). One 'exit' listener for all registrations; the callbacks must be
 * synchronous because nothing async runs after 'exit'.
 */
const pending = new Set<() => void>();
let installed = false;

export function onProcessExit(fn: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', () => {
      for (const f of pending) {
        try {
          f();
        } catch {
          // best effort: keep cleaning the rest
        }
      }
    });
  }
  pending.add(fn);
  return () => pending.delete(fn);
}
