// Dates and times shown to people: in the viewer's zone, the zone always named. The app's
// words are English; the clock follows an English-speaking browser (4:00 PM in the US,
// 16:00 in Britain), and is 24-hour English for everyone else.
import { Temporal } from 'temporal-polyfill';

export function displayLocale(languages: readonly string[]): string {
  const english = languages.find((tag) => tag.toLowerCase().startsWith('en'));
  return english ?? 'en-GB';
}

function asDate(instant: Temporal.Instant | string): Date {
  const value = typeof instant === 'string' ? Temporal.Instant.from(instant) : instant;
  return new Date(value.epochMilliseconds);
}

export class Clock {
  private readonly timeFormat: Intl.DateTimeFormat;
  private readonly dayFormat: Intl.DateTimeFormat;
  private readonly longDayFormat: Intl.DateTimeFormat;
  private readonly zoneLong: Intl.DateTimeFormat;
  private readonly zoneShort: Intl.DateTimeFormat;

  constructor(
    readonly zone: string,
    readonly locale: string,
  ) {
    this.timeFormat = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      hour: 'numeric',
      minute: '2-digit',
    });
    this.dayFormat = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    });
    this.longDayFormat = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    this.zoneLong = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'long' });
    this.zoneShort = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
  }

  time(instant: Temporal.Instant | string): string {
    return this.timeFormat.format(asDate(instant));
  }

  range(start: Temporal.Instant | string, end: Temporal.Instant | string): string {
    return `${this.time(start)}–${this.time(end)}`;
  }

  /** "Mon, 7 Dec" for a local date. */
  day(date: Temporal.PlainDate): string {
    return this.dayFormat.format(asDate(date.toZonedDateTime({ timeZone: this.zone }).toInstant()));
  }

  /** "Mon, 7 Dec – Sun, 13 Dec 2026" for local dates from `first` to `last`. */
  days(first: Temporal.PlainDate, last: Temporal.PlainDate): string {
    return `${this.day(first)} – ${this.day(last)} ${last.year}`;
  }

  /** "Monday, 7 December 2026" for a date as a date input holds it (2026-12-07); '' for
   * anything else, such as a half-typed date. */
  date(value: string): string {
    let date: Temporal.PlainDate;
    try {
      date = Temporal.PlainDate.from(value, { overflow: 'reject' });
    } catch {
      return '';
    }
    return this.longDay(date.toZonedDateTime({ timeZone: this.zone }).toInstant());
  }

  /** "Monday, 7 December 2026" for the local day an instant falls on. */
  longDay(instant: Temporal.Instant | string): string {
    return this.longDayFormat.format(asDate(instant));
  }

  /** The zone's name at that instant: "Central European Standard Time", or its short form. */
  zoneName(instant: Temporal.Instant | string, style: 'long' | 'short' = 'long'): string {
    const format = style === 'long' ? this.zoneLong : this.zoneShort;
    const part = format.formatToParts(asDate(instant)).find((p) => p.type === 'timeZoneName');
    return part?.value ?? this.zone;
  }

  /** "Monday, 7 December 2026, 16:00 to 17:00 Greenwich Mean Time": what a screen reader says. */
  spoken(start: string, end: string): string {
    return `${this.longDay(start)}, ${this.time(start)} to ${this.time(end)} ${this.zoneName(start)}`;
  }

  /** "Monday, 7 December 2026, 16:00 GMT": one moment, a deadline. */
  at(instant: string): string {
    return `${this.longDay(instant)}, ${this.time(instant)} ${this.zoneName(instant, 'short')}`;
  }

  /** "Monday, 7 December 2026, 16:00–17:00 GMT": what a page shows. */
  when(start: string, end: string): string {
    return `${this.longDay(start)}, ${this.range(start, end)} ${this.zoneName(start, 'short')}`;
  }
}

/** A rule's length in words: "12 hours", "2 days", "90 minutes". */
export function duration(minutes: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (minutes >= 2880 && minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
