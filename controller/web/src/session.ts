import { reactive } from 'vue';
import type { User } from './api/types';

const KEY = 'netwatcher.session';

interface Stored {
  token: string;
  user: User;
}

/**
 * The signed-in user. The JWT lives in sessionStorage (this tab only, gone when it closes) and in
 * memory; it is sent in a header and never put in a URL.
 */
export const session = reactive({
  token: '' as string,
  user: null as User | null,
  /** Why the last session ended, shown on the sign-in page. */
  notice: '' as string,
  start(token: string, user: User): void {
    this.token = token;
    this.user = user;
    this.notice = '';
    sessionStorage.setItem(KEY, JSON.stringify({ token, user } satisfies Stored));
  },
  end(notice = ''): void {
    this.token = '';
    this.user = null;
    this.notice = notice;
    sessionStorage.removeItem(KEY);
  },
});

function restore(): void {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
    if (stored?.token && stored.user) {
      session.token = stored.token;
      session.user = stored.user;
    }
  } catch {
    sessionStorage.removeItem(KEY);
  }
}
restore();
