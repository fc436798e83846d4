import { reactive } from 'vue';
import { listAll } from './api/client';
import type { Workspace } from './api/types';

/** The signed-in user's workspaces, shared by the header's switcher and the pages. */
export const workspaces = reactive({
  list: [] as Workspace[],
  loaded: false,
  error: '',
  async load(): Promise<void> {
    try {
      this.list = await listAll<Workspace>('/workspaces');
      this.error = '';
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loaded = true;
    }
  },
  byId(id: number): Workspace | undefined {
    return this.list.find((w) => w.id === id);
  },
  clear(): void {
    this.list = [];
    this.loaded = false;
  },
});

const RANK = { VIEWER: 0, USER: 1, ADMIN: 2, OWNER: 3 } as const;

/** Whether the caller's role in the workspace reaches `role` (actions are offered only then). */
export function can(ws: Workspace | undefined, role: keyof typeof RANK): boolean {
  return ws !== undefined && RANK[ws.my_role] >= RANK[role];
}
