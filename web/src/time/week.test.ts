import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';

import { Clock, displayLocale, duration } from './format';
import {
  byDay,
  dateFromParam,
  daysFrom,
  hoursIn,
  mondayFromParam,
  mondayOf,
  shiftWeek,
  weekOf,
} from './week';

const date = (text: string) => Temporal.PlainDate.from(text);

describe('weeks in the viewer’s zone', () => {
  it('starts on the Monday of the week holding a date', () => {
    expect(mondayOf(date('2026-12-03')).toString()).toBe('2026-11-30');
    expect(mondayOf(date('2026-11-30')).toString()).toBe('2026-11-30');
    expect(mondayOf(date('2026-12-06')).toString()).toBe('2026-11-30');
  });

  it('runs from local Monday midnight to the next, 168 hours in an ordinary week', () => {
    const week = weekOf(date('2026-11-30'), 'Europe/Berlin', date('2026-12-03'));
    expect(week.start.toString()).toBe('2026-11-29T23:00:00Z');
    expect(week.end.toString()).toBe('2026-12-06T23:00:00Z');
    expect(hoursIn(week)).toBe(168);
    expect(week.days.map((d) => d.isToday)).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
  });

  it('is 167 hours when Europe springs forward, the Sunday 23 hours long', () => {
    const week = weekOf(date('2027-03-22'), 'Europe/Berlin');
    expect(hoursIn(week)).toBe(167);
    const sunday = week.days[6]!;
    expect(sunday.date.toString()).toBe('2027-03-28');
    expect(sunday.start.until(sunday.end).total('hours')).toBe(23);
    expect(week.end.toString()).toBe('2027-03-28T22:00:00Z');
  });

  it('is 169 hours when New York falls back in November', () => {
    const week = weekOf(date('2026-10-26'), 'America/New_York');
    expect(hoursIn(week)).toBe(169);
    expect(week.days[6]!.start.until(week.days[6]!.end).total('hours')).toBe(25);
  });

  it('puts an item on the local day its start falls on, which differs by zone', () => {
    // 23:30 UTC on a Monday is Tuesday in Berlin and still Monday in New York.
    const items = [
      { start: '2026-12-01T09:00:00Z', id: 'b' },
      { start: '2026-11-30T23:30:00Z', id: 'a' },
    ];
    const berlin = byDay(weekOf(date('2026-11-30'), 'Europe/Berlin'), items);
    expect(berlin.map((day) => day.map((i) => i.id))).toEqual([[], ['a', 'b'], [], [], [], [], []]);
    const newYork = byDay(weekOf(date('2026-11-30'), 'America/New_York'), items);
    expect(newYork.map((day) => day.map((i) => i.id))).toEqual([['a'], ['b'], [], [], [], [], []]);
  });

  it('leaves out what starts outside the week', () => {
    const week = weekOf(date('2026-11-30'), 'UTC');
    expect(byDay(week, [{ start: '2026-12-07T00:00:00Z' }]).flat()).toEqual([]);
  });

  it('reads the week from the address, any day of it, else this week', () => {
    const now = Temporal.Instant.from('2026-12-03T12:00:00Z');
    expect(mondayFromParam('2027-03-25', 'UTC', now).toString()).toBe('2027-03-22');
    expect(mondayFromParam('2027-02-30', 'UTC', now).toString()).toBe('2026-11-30');
    expect(mondayFromParam('next week', 'UTC', now).toString()).toBe('2026-11-30');
    expect(mondayFromParam(undefined, 'UTC', now).toString()).toBe('2026-11-30');
    expect(shiftWeek(date('2026-12-28'), 1).toString()).toBe('2027-01-04');
  });

  it('reads a first day from the address as it is, else today', () => {
    const now = Temporal.Instant.from('2026-12-03T12:00:00Z');
    expect(dateFromParam('2027-03-25', 'UTC', now).toString()).toBe('2027-03-25');
    expect(dateFromParam('2027-02-30', 'UTC', now).toString()).toBe('2026-12-03');
    expect(dateFromParam(['2027-03-25'], 'UTC', now).toString()).toBe('2026-12-03');
  });

  it('spans four weeks of whole local days, one hour short across a spring change', () => {
    const span = daysFrom(date('2027-03-15'), 28, 'Europe/London');
    expect(span.last.toString()).toBe('2027-04-11');
    expect(span.start.toString()).toBe('2027-03-15T00:00:00Z');
    expect(span.end.toString()).toBe('2027-04-11T23:00:00Z');
    expect(new Clock('Europe/London', 'en-GB').days(span.first, span.last)).toBe(
      'Mon 15 Mar – Sun 11 Apr 2027',
    );
  });

  it('says a date input’s date in the reader’s words, nothing while it is half typed', () => {
    expect(new Clock('Europe/London', 'en-GB').date('2026-12-07')).toBe('Monday, 7 December 2026');
    expect(new Clock('America/New_York', 'en-US').date('2026-12-07')).toBe(
      'Monday, December 7, 2026',
    );
    expect(new Clock('Europe/London', 'en-GB').date('')).toBe('');
    expect(new Clock('Europe/London', 'en-GB').date('2026-02-30')).toBe('');
  });
});

describe('times shown to people', () => {
  it('names the zone, which changes with the clock', () => {
    const clock = new Clock('Europe/Berlin', 'en-GB');
    expect(clock.zoneName('2027-03-27T12:00:00Z')).toBe('Central European Standard Time');
    expect(clock.zoneName('2027-03-29T12:00:00Z')).toBe('Central European Summer Time');
  });

  it('shows one session at the right local time in New York and in Berlin across a change', () => {
    // New York moves its clocks on 14 March 2027, Berlin on 28 March: in between the two
    // cities are five hours apart instead of six.
    const before = ['2027-03-13T16:00:00Z', '2027-03-13T17:00:00Z'] as const;
    const between = ['2027-03-15T15:00:00Z', '2027-03-15T16:00:00Z'] as const;
    const newYork = new Clock('America/New_York', 'en-US');
    const berlin = new Clock('Europe/Berlin', 'en-GB');
    expect(newYork.spoken(...before)).toBe(
      'Saturday, March 13, 2027, 11:00 AM to 12:00 PM Eastern Standard Time',
    );
    expect(newYork.spoken(...between)).toBe(
      'Monday, March 15, 2027, 11:00 AM to 12:00 PM Eastern Daylight Time',
    );
    expect(berlin.spoken(...before)).toBe(
      'Saturday, 13 March 2027, 17:00 to 18:00 Central European Standard Time',
    );
    expect(berlin.spoken(...between)).toBe(
      'Monday, 15 March 2027, 16:00 to 17:00 Central European Standard Time',
    );
  });

  it('says a rule’s length in words', () => {
    expect(duration(720)).toBe('12 hours');
    expect(duration(60)).toBe('1 hour');
    expect(duration(1440)).toBe('24 hours');
    expect(duration(2880)).toBe('2 days');
    expect(duration(90)).toBe('90 minutes');
  });

  it('keeps an English browser’s clock and gives everyone else English with 24 hours', () => {
    expect(displayLocale(['en-US', 'de'])).toBe('en-US');
    expect(displayLocale(['de-DE', 'de'])).toBe('en-GB');
    expect(displayLocale([])).toBe('en-GB');
  });
});
