// A tutor's weekly hours and date overrides as the editor holds them, checked the way the API
// checks them (so most mistakes are named before saving), and the API's 422 put into words.
import type { AvailabilityRead, AvailabilityUpdate } from '../client/types.gen';

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

export interface Range {
  start: string;
  end: string;
}

/** One date's replacement for its weekday's ranges; no ranges: unavailable all day. */
export interface Override {
  date: string;
  ranges: Range[];
}

/** The editor's shape: each weekday's ranges in a list of its own. */
export interface Editable {
  timezone: string;
  days: Range[][];
  overrides: Override[];
}

const START = /^([01]\d|2[0-3]):[0-5]\d$/;
const END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function hhmm(minutes: number): string {
  const clamped = Math.max(0, Math.min(24 * 60, minutes));
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}:${String(clamped % 60).padStart(2, '0')}`;
}

const byStart = (a: Range, b: Range) => minutesOf(a.start) - minutesOf(b.start);

export function fromApi(read: AvailabilityRead): Editable {
  const days: Range[][] = WEEKDAYS.map(() => []);
  for (const range of read.weekly)
    days[range.weekday]?.push({ start: range.start, end: range.end });
  return {
    timezone: read.timezone,
    days: days.map((ranges) => ranges.sort(byStart)),
    overrides: read.overrides.map((o) => ({
      date: o.date,
      ranges: o.ranges.map((r) => ({ ...r })),
    })),
  };
}

/** The whole shape PUT /tutors/me/availability takes (it replaces what was there). */
export function toApi(editable: Editable): AvailabilityUpdate {
  return {
    timezone: editable.timezone,
    weekly: editable.days.flatMap((ranges, weekday) =>
      [...ranges].sort(byStart).map((r) => ({ weekday, start: r.start, end: r.end })),
    ),
    overrides: [...editable.overrides]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((o) => ({ date: o.date, ranges: [...o.ranges].sort(byStart) })),
  };
}

/** A new range after the day's last one (an hour long), or 09:00–17:00 on an empty day. */
export function nextRange(ranges: readonly Range[]): Range {
  if (ranges.length === 0) return { start: '09:00', end: '17:00' };
  const lastEnd = Math.max(...ranges.map((r) => minutesOf(r.end)));
  const start = Math.min(lastEnd + 60, 23 * 60);
  return { start: hhmm(start), end: hhmm(Math.min(start + 60, 24 * 60)) };
}

function rangeProblems(ranges: readonly Range[], where: string): string[] {
  const problems: string[] = [];
  for (const range of ranges) {
    if (!START.test(range.start) || !END.test(range.end)) {
      problems.push(`${where}: write times as HH:MM, such as 09:00 (24:00 ends the day).`);
    } else if (minutesOf(range.end) <= minutesOf(range.start)) {
      problems.push(`${where}: ${range.start}–${range.end} ends before it starts.`);
    }
  }
  const valid = ranges
    .filter((r) => START.test(r.start) && END.test(r.end) && minutesOf(r.end) > minutesOf(r.start))
    .sort(byStart);
  for (let i = 1; i < valid.length; i += 1) {
    const before = valid[i - 1]!;
    const after = valid[i]!;
    if (minutesOf(after.start) < minutesOf(before.end)) {
      problems.push(
        `${where}: ${before.start}–${before.end} and ${after.start}–${after.end} overlap.`,
      );
    }
  }
  return problems;
}

/** What the API would refuse, in words; empty when it can be saved. */
export function problemsOf(editable: Editable): string[] {
  const problems = editable.days.flatMap((ranges, weekday) =>
    rangeProblems(ranges, WEEKDAYS[weekday] ?? `Day ${weekday}`),
  );
  const seen = new Set<string>();
  for (const override of editable.overrides) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(override.date)) {
      problems.push('A date override has no date: pick one, or remove it.');
      continue;
    }
    if (seen.has(override.date)) problems.push(`${override.date} is listed twice.`);
    seen.add(override.date);
    problems.push(...rangeProblems(override.ranges, override.date));
  }
  return problems;
}

interface ValidationError {
  loc?: unknown;
  msg?: string;
}

/** The API's 422 (`errors: [{loc, msg}]`) as sentences naming the day or date sent. */
export function describeRefusal(errors: unknown, sent: AvailabilityUpdate): string[] {
  if (!Array.isArray(errors)) return [];
  return (errors as ValidationError[]).map((error) => {
    const loc = Array.isArray(error.loc) ? error.loc.map(String) : [];
    const message = (typeof error.msg === 'string' ? error.msg : 'not valid').replace(
      /^Value error, /,
      '',
    );
    const [, field, index] = loc[0] === 'body' ? loc : ['body', ...loc];
    const at = Number(index);
    if (field === 'weekly' && Number.isInteger(at) && sent.weekly[at]) {
      const range = sent.weekly[at];
      return `${WEEKDAYS[range.weekday]} ${range.start}–${range.end}: ${message}.`;
    }
    if (field === 'overrides' && Number.isInteger(at) && sent.overrides[at]) {
      return `${sent.overrides[at].date}: ${message}.`;
    }
    if (field === 'timezone') return `Time zone: ${message}.`;
    return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
  });
}
