// Audit actions and Google writes in words an admin reads at a glance.
const ACTIONS: Record<string, string> = {
  sign_in: 'Signed in',
  sign_in_refused: 'Sign-in refused',
  role_change: 'Changed roles',
  booking_created: 'Booked',
  booking_cancelled: 'Cancelled a booking',
  booking_rescheduled: 'Moved a booking',
  api_token_created: 'Made an API token',
  availability_changed: 'Changed weekly availability',
  tutor_settings_changed: 'Changed tutoring settings',
  subject_created: 'Added a subject',
  calendar_connected: 'Connected Google Calendar',
  calendar_disconnected: 'Disconnected Google Calendar',
  calendar_synced: 'Calendar read from Google',
  account_deleted: 'Deleted their account',
  api_token_revoked: 'Revoked an API token',
  grant_revoked: 'Google access revoked',
  session_appeared: 'Session appeared in Google',
  session_changed: 'Session changed in Google',
  session_removed: 'Session removed in Google',
  sync_failure: 'Calendar sync failed',
  outbox_failure: 'Google write failed',
  outbox_retried: 'Retried a Google write',
};

/** The actions known when the API cannot list them (before GET /admin/audit/actions). */
export const KNOWN_ACTIONS = Object.keys(ACTIONS);

/** "Changed roles"; an action the app does not know yet keeps its name, spaced. */
export function actionInWords(action: string): string {
  return ACTIONS[action] ?? action.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
}

/** The detail of an entry as "key: value" pairs, short. */
export function detailInWords(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(
      ([key, value]) =>
        `${key.replaceAll('_', ' ')}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
    )
    .join('; ');
}

/** What a person search found, for the line a screen reader announces. */
export function matchesInWords(query: string, count: number, hasMore: boolean): string {
  if (count === 0) return `No one matches ‘${query}’.`;
  const found = count === 1 ? '1 person matches' : `${count} people match`;
  return hasMore
    ? `The first ${count} matches: type more of the name or e-mail to narrow them.`
    : `${found}: choose under Person.`;
}
