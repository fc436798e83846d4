import type { WorkspaceRole } from './member.entity';
import type { WorkspaceEntity } from './workspace.entity';

export interface WorkspaceView {
  id: number;
  name: string;
  ownerId: number;
  description: string;
  settings: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** The caller's own role, so a client knows which actions to offer without another call. */
  my_role: WorkspaceRole;
}

export function toWorkspaceView(workspace: WorkspaceEntity, myRole: WorkspaceRole): WorkspaceView {
  return {
    id: workspace.id,
    name: workspace.name,
    ownerId: workspace.ownerId,
    description: workspace.description,
    settings: workspace.settings,
    createdAt: workspace.createdAt.toISOString(),
    updatedAt: workspace.updatedAt.toISOString(),
    my_role: myRole,
  };
}
