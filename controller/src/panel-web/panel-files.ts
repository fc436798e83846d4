import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

/**
 * Where `npm run build` puts the panel (Vite's outDir). Resolved from this file so it is the same
 * place whether the controller runs from `dist/` or, in tests, from `src/`.
 */
export const PANEL_DIR = join(__dirname, '..', '..', 'dist', 'web');

/** Vite names every built asset after its content hash, so a cached copy can never go stale. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed assets: the browser must check it on every visit. */
export const REVALIDATE = 'no-cache';

/**
 * The panel's own policy: no inline script or style, data only from this origin. Set on the
 * page document only (API answers are not documents); a stricter global header (helmet) wins.
 */
export const PANEL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

export type PanelAnswer =
  | { kind: 'file'; path: string; cacheControl: string }
  | { kind: 'app'; path: string; cacheControl: string }
  | { kind: 'none' };

export interface PanelRequest {
  method: string;
  path: string;
  accept: string;
}

/**
 * Decides what a request that no API route took gets: a built file, the app (index.html) for a
 * browser navigating to one of the panel's own paths, or nothing (the usual 404). Pure apart
 * from looking at the files, so the rules are tested without a server.
 */
export function resolvePanelRequest(req: PanelRequest, root: string = PANEL_DIR): PanelAnswer {
  if (req.method !== 'GET' && req.method !== 'HEAD') return { kind: 'none' };
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(req.path)).replace(/^[/\\]+/, '');
  } catch {
    return { kind: 'none' };
  }
  if (relative.split(sep).includes('..')) return { kind: 'none' };
  const index = join(root, 'index.html');
  if (relative !== '' && relative !== 'index.html') {
    const file = join(root, relative);
    if (isFile(file)) {
      const hashed = relative.startsWith(`assets${sep}`);
      return { kind: 'file', path: file, cacheControl: hashed ? IMMUTABLE_CACHE : REVALIDATE };
    }
    // A missing file with an extension is a broken asset link, not a page: 404, not the app.
    if (extname(relative) !== '') return { kind: 'none' };
  }
  // Only browsers navigating get the app; an API client asking for JSON keeps its 404.
  if (!req.accept.includes('text/html')) return { kind: 'none' };
  return isFile(index) ? { kind: 'app', path: index, cacheControl: REVALIDATE } : { kind: 'none' };
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

export function panelBuilt(root: string = PANEL_DIR): boolean {
  return isFile(join(root, 'index.html'));
}
