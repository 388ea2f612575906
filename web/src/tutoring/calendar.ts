// Each state of a tutor's Google Calendar connection in words, with the one thing that fixes it.
import type { CalendarStatus } from '../client/types.gen';

/** The four states of /me, and `stale`: connected, yet the calendar has not been read lately. */
export type ConnectionState = CalendarStatus | 'stale';

export interface Explanation {
  headline: string;
  explanation: string;
  /** The button's words; null when nothing needs doing. */
  action: string | null;
}

export const EXPLANATIONS: Record<ConnectionState, Explanation> = {
  connected: {
    headline: 'Connected',
    explanation:
      'tutorcal reads your Google Calendar: sessions you add there are offered to students, and your busy time blocks one-to-one slots.',
    action: null,
  },
  not_connected: {
    headline: 'Not connected',
    explanation:
      'tutorcal cannot read your Google Calendar yet, so students do not see you. Connect it: Google asks you to allow calendar access.',
    action: 'Connect Google Calendar',
  },
  scope_missing: {
    headline: 'Calendar access was not allowed',
    explanation:
      'You signed in, but Google did not give tutorcal access to your calendar (the calendar box was left unticked). Connect again and allow calendar access.',
    action: 'Connect again and allow calendar access',
  },
  reconnect_required: {
    headline: 'Reconnect needed',
    explanation:
      'Google no longer accepts tutorcal’s access (it was revoked or has expired), so students do not see your times. Connect again: bookings made meanwhile reach Google once you do.',
    action: 'Reconnect Google Calendar',
  },
  stale: {
    headline: 'Connected, but not read lately',
    explanation:
      'tutorcal has not read your Google Calendar lately, so it offers no times for now rather than old ones. Read it now; if that does not help, connect again.',
    action: 'Read my calendar now',
  },
};

export function stateOf(status: CalendarStatus, readable: boolean): ConnectionState {
  return status === 'connected' && !readable ? 'stale' : status;
}

/** Where the connect button goes: Google's consent, then back to `next`. */
export function connectHref(next: string): string {
  return `/api/v1/auth/google/connect-calendar?next=${encodeURIComponent(next)}`;
}
