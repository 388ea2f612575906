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

export type RuleField = Exclude<keyof typeof DEFAULTS, 'default_capacity'>;

/** One booking rule as the settings page shows it: one number field each. */
export interface BookingRule {
  field: RuleField;
  label: string;
  /** In the label, after the name. Hours are shown for a field the API keeps in minutes. */
  unit: 'minutes' | 'hours' | 'hours before' | 'days' | null;
  /** Said before the default. */
  help?: string;
  min: number;
  max: number;
  step?: number | 'any';
  /** Empty is allowed and means no limit. */
  optional?: boolean;
}

export const BOOKING_RULES: readonly BookingRule[] = [
  {
    field: 'slot_minutes',
    label: 'One-to-one slot length',
    unit: 'minutes',
    help: 'In steps of 5.',
    min: 5,
    max: 480,
    step: 5,
  },
  { field: 'buffer_minutes', label: 'Break between bookings', unit: 'minutes', min: 0, max: 240 },
  {
    field: 'min_notice_minutes',
    label: 'Minimum notice',
    unit: 'hours',
    help: 'Bookings close this long before the start.',
    min: 0,
    max: 720,
    step: 'any',
  },
  {
    field: 'horizon_days',
    label: 'Booking horizon',
    unit: 'days',
    help: 'Bookings open this many days ahead.',
    min: 1,
    max: 365,
  },
  {
    field: 'max_bookings_per_student_per_week',
    label: 'Bookings per student each week',
    unit: null,
    help: 'Monday to Sunday; empty for no limit.',
    min: 1,
    max: 100,
    optional: true,
  },
  {
    field: 'cancel_notice_minutes',
    label: 'Students may cancel until',
    unit: 'hours before',
    min: 0,
    max: 720,
    step: 'any',
  },
  {
    field: 'reschedule_notice_minutes',
    label: 'Students may move a booking until',
    unit: 'hours before',
    min: 0,
    max: 720,
    step: 'any',
  },
];

/** "Minimum notice (hours)": the field's label on the page. */
export function ruleLabel(rule: BookingRule): string {
  return rule.unit ? `${rule.label} (${rule.unit})` : rule.label;
}

export function ruleHint(rule: BookingRule): string {
  return [rule.help, defaultInWords(rule.field)].filter(Boolean).join(' ');
}

const inHours = (rule: BookingRule) => rule.unit?.startsWith('hours') ?? false;

/** The rule's value as its field shows it: '' for no limit, hours to two places. */
export function ruleInForm(rule: BookingRule, value: number | null): number | '' {
  if (value === null) return '';
  return inHours(rule) ? Math.round((value / 60) * 100) / 100 : value;
}

/** What the field holds as the API's value: null for an empty optional field. */
export function ruleFromForm(rule: BookingRule, shown: number | ''): number | null {
  if (shown === '' && rule.optional) return null;
  return inHours(rule) ? Math.round(Number(shown) * 60) : Number(shown);
}

const LABELS: Record<string, string> = {
  bio: 'About you',
  subject_ids: 'Subjects',
  session_keyword: 'Keyword',
  default_capacity: 'Seats when the description says none',
  ...Object.fromEntries(BOOKING_RULES.map((rule) => [rule.field, rule.label])),
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
