import type { Request } from 'express';
import { ApiError } from '../common/api-error';

/** host[:port] or [v6]:port, nothing a shell or a URL could read differently. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** What may appear in a URL pasted into `sh`: no quotes, spaces, `$`, `;`, backticks. */
const SHELL_SAFE_URL = /^https?:\/\/[A-Za-z0-9.:[\]-]+(?:\/[A-Za-z0-9._~/-]*)?$/;

/**
 * The controller's base URL as the caller reached it (PUBLIC_URL when set, for proxies that
 * rewrite Host). It ends up inside shell commands and the install script, so anything beyond
 * a plain host and path is refused rather than quoted.
 */
export function controllerBaseUrl(req: Request, publicUrl: string | undefined): string {
  const base = publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`;
  const host = publicUrl ? new URL(publicUrl).host : (req.get('host') ?? '');
  if (!HOST.test(host) || !SHELL_SAFE_URL.test(base)) {
    throw ApiError.badRequest('the Host header (or PUBLIC_URL) is not a plain host[:port]; set PUBLIC_URL to the address agents should use', 'bad_host');
  }
  return base.replace(/\/+$/, '');
}

/** The one line an operator pastes on a new host (POST /workspaces/{id}/agents answers it). */
export function installCommand(baseUrl: string, workspaceId: number, agentId: number, pin: string): string {
  // A plain-http controller only installs with --insecure; the command says so rather than failing.
  const insecure = baseUrl.startsWith('http://') ? ' --insecure' : '';
  if (!/^[A-Za-z0-9]+$/.test(pin)) throw new Error('PIN with characters outside [A-Za-z0-9]');
  return `curl -fsSL ${baseUrl}/install.sh | sudo sh -s -- --workspace ${workspaceId} --agent ${agentId} --pin ${pin}${insecure}`;
}
