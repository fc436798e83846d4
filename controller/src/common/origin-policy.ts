import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdFor } from './request-id';

/**
 * Which browser origins may use the API and the sockets. Browsers send `Origin` on cross-site
 * requests and on every WebSocket handshake; a page on another site riding a user's session is
 * what this stops (Uptime Kuma's CVE-2023-49805 was a socket that never looked). Agents, curl
 * and other non-browser clients send no Origin and are not affected.
 *
 * The controller's own origin is always allowed: an Origin whose host[:port] is the request's
 * Host. The scheme is not compared, so a TLS-terminating proxy in front changes nothing.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins);
  }

  allows(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.allowed.has(origin)) return true;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false; // 'null' (sandboxed frames, file:) and garbage
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    return host !== undefined && parsed.host === host.toLowerCase();
  }

  allowsRequest(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return this.allows(typeof origin === 'string' ? origin : undefined, req.headers.host);
  }

  /** Express middleware: a request from a foreign origin is refused before anything reads its body. */
  middleware(): (req: IncomingMessage, res: ServerResponse & { status(code: number): { json(body: unknown): void } }, next: () => void) => void {
    return (req, res, next) => {
      if (this.allowsRequest(req)) {
        next();
        return;
      }
      const requestId = requestIdFor(req, res);
      res.status(403).json({ error: 'requests from this origin are not allowed (see ALLOWED_ORIGINS)', code: 'origin_not_allowed', request_id: requestId });
    };
  }
}
