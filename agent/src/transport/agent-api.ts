import { isIP } from 'node:net';
import { httpRequest } from './http-request';

/** What the agent proves itself with after enrollment. */
export interface AgentCredentials {
  /** Base URL without a trailing slash, e.g. `https://nw.example.com`. */
  controller: string;
  workspaceId: number;
  agentId: number;
  psk: string;
}

/** The PSK headers the controller expects on `/agent/api/*` and on the Socket.IO handshake. */
export function agentHeaders(creds: AgentCredentials): Record<string, string> {
  return {
    'X-Workspace-ID': String(creds.workspaceId),
    'X-Agent-ID': String(creds.agentId),
    'X-Agent-PSK': creds.psk,
  };
}

/**
 * The agent's public address as the controller sees it (GET /agent/api/whoami?quick=true).
 * Any failure gives null: NETINFO reports what it knows rather than failing.
 */
export async function fetchPublicIp(creds: AgentCredentials, timeoutMs = 5000): Promise<string | null> {
  try {
    const res = await httpRequest(`${creds.controller}/agent/api/whoami?quick=true`, { method: 'GET', headers: agentHeaders(creds), timeoutMs });
    if (res.status < 200 || res.status > 299) return null;
    const body = JSON.parse(res.text) as { ip?: unknown };
    return typeof body.ip === 'string' && isIP(body.ip) ? body.ip : null;
  } catch {
    return null;
  }
}
