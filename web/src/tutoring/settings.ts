// A tutor's settings: what changed since they were read (PATCH sends only that), the
// defaults in words, and the line that tells a tutor how to make a session in Google.
import type { TutorSettings } from '../client/types.gen';
import { duration } from '../time/format';

export type Settings = TutorSettings;

/** The API's defaults (TutorSettings in src/tutorcal/tutors/schemas.py), for the explanations. */
export const DEFAULTS = {
  default_capacity: 1,
  slot_minutes: 60,
  buffer_minutes: 0,
  min_notice_minutes: 720,
  horizon_days: 60,
  max_bookings_per_student_per_week: null,
  cancel_notice_minutes: 1440,
  reschedule_notice_minutes: 1440,
} as const satisfies Partial<Settings>;

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, i) => value === b[i]);
  }
  return a === b;
}

/** Only the fields that differ from what was read: nothing else is sent, so nothing else can
 * be overwritten (a change made meanwhile in another tab keeps its value). */
export function changedFields(before: Settings, after: Settings): Partial<Settings> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof Settings)[]) {
    if (!same(before[key], after[key])) changed[key] = after[key];
  }
  return changed;
}

/** "Put 'Tutoring' in the title and 'capacity: 4' in the description." */
export function howToMakeASession(keyword: string, capacity: number): string {
  return `To offer a group session, make an event in Google Calendar: put ‘${keyword}’ in the title and ‘capacity: ${capacity}’ in the description.`;
}

export function minutesInWords(minutes: number): string {
  return minutes === 0 ? 'none' : duration(minutes);
}

/** "Default: 12 hours" for a rule's hint. */
export function defaultInWords(key: keyof typeof DEFAULTS): string {
  const value = DEFAULTS[key];
  if (value === null) return 'Default: no limit';
  if (key === 'horizon_days') return `Default: ${value} days`;
  if (key === 'default_capacity') return `Default: ${value}`;
  return `Default: ${minutesInWords(value)}`;
}

const LABELS: Record<string, string> = {
  bio: 'About you',
  subject_ids: 'Subjects',
  session_keyword: 'Keyword',
  default_capacity: 'Seats when the description says none',
  slot_minutes: 'One-to-one slot length',
  buffer_minutes: 'Break between bookings',
  min_notice_minutes: 'Minimum notice',
  horizon_days: 'Booking horizon',
  max_bookings_per_student_per_week: 'Bookings per student each week',
  cancel_notice_minutes: 'Students may cancel until',
  reschedule_notice_minutes: 'Students may move a booking until',
  session_calendar_id: 'Session calendar',
  busy_calendar_ids: 'Busy calendars',
  timezone: 'Time zone',
};

/** The API's 422 for settings (`errors: [{loc, msg}]`) as "Field name: what is wrong." */
export function settingsRefusal(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return (errors as { loc?: unknown; msg?: string }[]).map((error) => {
    const loc = Array.isArray(error.loc) ? error.loc.map(String) : [];
    const field = loc.find((part) => part in LABELS);
    const message = (typeof error.msg === 'string' ? error.msg : 'not valid').replace(
      /^Value error, /,
      '',
    );
    return field ? `${LABELS[field]}: ${message}.` : `${message}.`;
  });
}
