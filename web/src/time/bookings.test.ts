import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';

import type { BookingRead } from '../client/types.gen';
import { isOpen, noticeMinutes, sortBookings, studentTitle, whyCancelled } from './bookings';

function booking(id: string, start: string, end: string, extra: Partial<BookingRead> = {}) {
  return { id, start, end, status: 'confirmed', ...extra } as BookingRead;
}

describe('My bookings', () => {
  const now = Temporal.Instant.from('2026-12-03T12:00:00Z');

  it('puts what has not ended under upcoming, soonest first, and the rest under past', () => {
    const sorted = sortBookings(
      [
        booking('later', '2026-12-09T10:00:00Z', '2026-12-09T11:00:00Z'),
        booking('now', '2026-12-03T11:30:00Z', '2026-12-03T12:30:00Z'),
        booking('done', '2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z'),
        booking('gone', '2026-12-05T10:00:00Z', '2026-12-05T11:00:00Z', { status: 'cancelled' }),
      ],
      now,
    );
    expect(sorted.upcoming.map((b) => b.id)).toEqual(['now', 'later']);
    expect(sorted.past.map((b) => b.id)).toEqual(['done']);
    expect(sorted.cancelled.map((b) => b.id)).toEqual(['gone']);
  });

  it('reads the tutor’s notice from the deadline the booking states', () => {
    expect(noticeMinutes('2026-12-09T10:00:00Z', '2026-12-08T10:00:00Z')).toBe(1440);
    expect(isOpen('2026-12-03T12:00:01Z', now)).toBe(true);
    expect(isOpen('2026-12-03T12:00:00Z', now)).toBe(false);
  });

  it('says why a booking was cancelled in words', () => {
    const start = '2026-12-09T10:00:00Z';
    const end = '2026-12-09T11:00:00Z';
    expect(whyCancelled(booking('a', start, end, { cancel_reason: 'removed_in_google' }))).toBe(
      'the tutor removed you from the event in Google Calendar',
    );
    expect(whyCancelled(booking('b', start, end, { cancelled_by: 'student' }))).toBe(
      'you cancelled it',
    );
  });

  it('calls a slot by whom it is with, not by the title the tutor’s calendar shows', () => {
    const start = '2026-12-09T10:00:00Z';
    const end = '2026-12-09T11:00:00Z';
    const tutor = { id: 't', name: 'Tara Tutor' };
    const slot = { kind: 'slot', tutor, title: 'Tutoring: Geometry with Sam Student' } as const;
    expect(studentTitle(booking('a', start, end, { ...slot, subject_name: 'Geometry' }))).toBe(
      'Geometry: one-to-one with Tara Tutor',
    );
    expect(studentTitle(booking('b', start, end, { ...slot, subject_name: null }))).toBe(
      'One-to-one with Tara Tutor',
    );
    const seat = booking('c', start, end, { kind: 'session', title: 'Tutoring: Algebra' });
    expect(studentTitle(seat)).toBe('Tutoring: Algebra');
  });
});
