import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { AgentAuthService } from './agent-auth.service';
import type { AgentEntity } from './agent.entity';

export const AGENT_HEADERS = { workspace: 'x-workspace-id', agent: 'x-agent-id', psk: 'x-agent-psk' } as const;

export type AgentRequest = Request & { agent?: AgentEntity };

const MAX_ID = 2_147_483_647;

/** A header that is present once and is a positive 32-bit id; anything else is null. */
function headerId(req: Request, name: string): number | null {
  const raw = req.headers[name];
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw.trim())) return null;
  const value = Number(raw.trim());
  return value >= 1 && value <= MAX_ID ? value : null;
}

/**
 * For agent-facing HTTP routes (mark them @Public() too: they carry no JWT). Reads
 * X-Workspace-ID, X-Agent-ID and X-Agent-PSK; missing or malformed headers are 401, like wrong
 * ones, and a deleted agent is 410. The authenticated agent is attached for @CurrentAgent().
 */
@Injectable()
export class AgentPskGuard implements CanActivate {
  constructor(private readonly auth: AgentAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AgentRequest>();
    const workspaceId = headerId(req, AGENT_HEADERS.workspace);
    const agentId = headerId(req, AGENT_HEADERS.agent);
    const psk = req.headers[AGENT_HEADERS.psk];
    if (workspaceId === null || agentId === null || typeof psk !== 'string' || psk.length === 0 || psk.length > 256) {
      throw ApiError.unauthorized('agent credentials required: X-Workspace-ID, X-Agent-ID and X-Agent-PSK headers', 'agent_auth_required');
    }
    req.agent = await this.auth.authenticatePsk(workspaceId, agentId, psk);
    return true;
  }
}
