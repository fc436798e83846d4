import { reactive } from 'vue';
import { get } from './api/client';
import { onAlert, onLiveConnect } from './live/socket';
import { session } from './session';

/**
 * The number of active alerts across the caller's workspaces, shown in the header. Re-read
 * whenever an `alert` event arrives and after every (re)connect rather than counted locally:
 * the server's count also covers workspaces whose events this tab does not receive.
 */
export const alertCount = reactive({
  value: null as number | null,
  async refresh(): Promise<void> {
    if (!session.token) return;
    try {
      this.value = (await get<{ count: number }>('/workspaces/alerts/count')).count;
    } catch {
      // The header keeps the last figure; the alerts page shows the failure in words.
    }
  },
});

/** Keeps the count current for the signed-in user; call once at start-up. */
export function followAlertCount(): void {
  onAlert(() => void alertCount.refresh());
  onLiveConnect(() => void alertCount.refresh());
}
