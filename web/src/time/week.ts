// Weeks as a viewer lives them: Monday to Sunday in the viewer's own time zone. A day is
// from its local midnight to the next, so the day a clock changes is 23 or 25 hours long
// and a week that crosses a change is 167 or 169: Temporal does that arithmetic.
import { Temporal } from 'temporal-polyfill';

export interface Day {
  date: Temporal.PlainDate;
  start: Temporal.Instant;
  end: Temporal.Instant;
  isToday: boolean;
}

export interface Week {
  zone: string;
  monday: Temporal.PlainDate;
  days: Day[];
  start: Temporal.Instant;
  end: Temporal.Instant;
}

export function todayIn(zone: string, now: Temporal.Instant = Temporal.Now.instant()) {
  return now.toZonedDateTimeISO(zone).toPlainDate();
}

export function mondayOf(date: Temporal.PlainDate): Temporal.PlainDate {
  return date.subtract({ days: date.dayOfWeek - 1 });
}

function startOfDay(date: Temporal.PlainDate, zone: string): Temporal.Instant {
  // A day that starts with a clock change (some zones skip midnight) starts when it can.
  return date.toZonedDateTime({ timeZone: zone }).toInstant();
}

export function weekOf(
  monday: Temporal.PlainDate,
  zone: string,
  today: Temporal.PlainDate = todayIn(zone),
): Week {
  const days = Array.from({ length: 7 }, (_, index) => {
    const date = monday.add({ days: index });
    return {
      date,
      start: startOfDay(date, zone),
      end: startOfDay(date.add({ days: 1 }), zone),
      isToday: date.equals(today),
    };
  });
  return { zone, monday, days, start: days[0]!.start, end: days[6]!.end };
}

export function hoursIn(week: Week): number {
  return week.start.until(week.end, { largestUnit: 'hours' }).hours;
}

/** The date named in the address (`?from=2026-12-07`); today when there is none or it is
 * not a calendar date. */
export function dateFromParam(
  value: unknown,
  zone: string,
  now?: Temporal.Instant,
): Temporal.PlainDate {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      return Temporal.PlainDate.from(value, { overflow: 'reject' });
    } catch {
      // Not a calendar date: today, as if none were named.
    }
  }
  return todayIn(zone, now);
}

/** The Monday of the week named in the address (`?week=2026-12-07`, any day of it);
 * this week's when there is none or it is not a date. */
export function mondayFromParam(value: unknown, zone: string, now?: Temporal.Instant) {
  return mondayOf(dateFromParam(value, zone, now));
}

export interface Span {
  first: Temporal.PlainDate;
  last: Temporal.PlainDate;
  start: Temporal.Instant;
  end: Temporal.Instant;
}

/** `days` whole local days from `first`: from its midnight to the midnight after the last. */
export function daysFrom(first: Temporal.PlainDate, days: number, zone: string): Span {
  const last = first.add({ days: days - 1 });
  return {
    first,
    last,
    start: startOfDay(first, zone),
    end: startOfDay(last.add({ days: 1 }), zone),
  };
}

export function shiftWeek(monday: Temporal.PlainDate, weeks: number): Temporal.PlainDate {
  return monday.add({ weeks });
}

/** Things (sessions, slots) on the local day their start falls on, in order of start. */
export function byDay<T extends { start: string }>(week: Week, items: readonly T[]): T[][] {
  const columns: T[][] = week.days.map(() => []);
  const sorted = [...items].sort((a, b) =>
    Temporal.Instant.compare(Temporal.Instant.from(a.start), Temporal.Instant.from(b.start)),
  );
  for (const item of sorted) {
    const start = Temporal.Instant.from(item.start);
    const index = week.days.findIndex(
      (day) =>
        Temporal.Instant.compare(day.start, start) <= 0 &&
        Temporal.Instant.compare(start, day.end) < 0,
    );
    if (index >= 0) columns[index]!.push(item);
  }
  return columns;
}

export function isPast(instant: string, now: Temporal.Instant = Temporal.Now.instant()): boolean {
  return Temporal.Instant.compare(Temporal.Instant.from(instant), now) <= 0;
}
