import { iso } from '../common/timestamps';
import type { AgentEntity } from './agent.entity';
import { isOnline } from './presence';

/** The seed's agent object. Credentials (PSK/PIN hashes, lock state) never leave the server. */
export interface AgentView {
  id: number;
  workspace_id: number;
  name: string;
  description: string;
  location: string;
  public_ip_override: string;
  version: string;
  last_seen_at: string | null;
  /** Connected to a controller recently (see presence.ts). */
  online: boolean;
  initialized: boolean;
  labels: Record<string, unknown>;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export function toAgentView(agent: AgentEntity): AgentView {
  return {
    id: agent.id,
    workspace_id: agent.workspaceId,
    name: agent.name,
    description: agent.description,
    location: agent.location,
    public_ip_override: agent.publicIpOverride,
    version: agent.version,
    last_seen_at: iso(agent.lastSeenAt),
    online: isOnline(agent.lastSeenAt),
    initialized: agent.initialized,
    labels: agent.labels,
    metadata: agent.metadata,
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
  };
}
