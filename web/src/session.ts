// Who is signed in, for every page; the app asks /me once as it starts.
import { reactive } from 'vue';

import { ApiError, api } from './api/http';
import { readMe } from './client/sdk.gen';
import type { MeRead } from './client/types.gen';

export const session = reactive<{ me: MeRead | null; expired: boolean }>({
  me: null,
  expired: false,
});

export async function loadMe(): Promise<MeRead | null> {
  try {
    session.me = await api(readMe());
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    session.me = null;
  }
  return session.me;
}

/** Google's sign-in, then back to `next` (a path of this app). */
export function signInHref(next: string): string {
  return `/api/v1/auth/google/login?next=${encodeURIComponent(next)}`;
}
