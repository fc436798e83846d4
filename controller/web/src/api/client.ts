import { session } from '../session';
import { ApiFailure, plainMessage } from './errors';

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The one way the panel talks to the REST API: same origin, the JWT from the session in the
 * Authorization header (never in a URL), JSON in and out, failures as `ApiFailure` whose message
 * is fit to show. A 401 ends the session so the app returns to the sign-in page.
 */
export async function api<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiFailure(0, 'unreachable', plainMessage(0, 'unreachable', undefined));
  }
  const text = await res.text();
  const parsed = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (parsed ?? {}) as { error?: unknown; code?: unknown };
    const message = typeof err.error === 'string' ? err.error : undefined;
    const code = typeof err.code === 'string' ? err.code : '';
    if (res.status === 401 && session.token && !path.startsWith('/auth/')) session.end('Your session has ended. Please sign in again.');
    throw new ApiFailure(res.status, code, plainMessage(res.status, code, message));
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const get = <T>(path: string, query?: Query): Promise<T> => api<T>('GET', path, undefined, query);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown): Promise<T> => api<T>('PATCH', path, body);
export const del = <T>(path: string): Promise<T> => api<T>('DELETE', path);

/** A failure's text for the page, whatever was thrown. */
export function describe(e: unknown): string {
  return e instanceof Error ? e.message : 'Something went wrong.';
}

/** The API's largest page. */
const PAGE = 200;

/**
 * Every item of a list endpoint: the first page tells the total, the rest are fetched a few at
 * a time (5,000 agents are 25 pages).
 */
export async function listAll<T>(path: string, query: Query = {}): Promise<T[]> {
  const first = await get<{ data: T[]; total: number }>(path, { ...query, limit: PAGE, offset: 0 });
  const offsets: number[] = [];
  for (let o = PAGE; o < first.total; o += PAGE) offsets.push(o);
  const pages: T[][] = [first.data];
  for (let i = 0; i < offsets.length; i += 4) {
    const batch = await Promise.all(offsets.slice(i, i + 4).map((offset) => get<{ data: T[] }>(path, { ...query, limit: PAGE, offset })));
    pages.push(...batch.map((b) => b.data));
  }
  return pages.flat();
}
