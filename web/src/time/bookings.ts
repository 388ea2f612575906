// A student's bookings as My bookings sorts them, and what each one allows now.
import { Temporal } from 'temporal-polyfill';

import type { BookingRead } from '../client/types.gen';
import { mondayOf } from './week';

export interface Sorted {
  upcoming: BookingRead[];
  past: BookingRead[];
  cancelled: BookingRead[];
}

const instant = (text: string) => Temporal.Instant.from(text);
const byStart = (a: BookingRead, b: BookingRead) =>
  Temporal.Instant.compare(instant(a.start), instant(b.start));

export function sortBookings(
  bookings: readonly BookingRead[],
  now: Temporal.Instant = Temporal.Now.instant(),
): Sorted {
  const confirmed = bookings.filter((b) => b.status === 'confirmed');
  return {
    upcoming: confirmed
      .filter((b) => Temporal.Instant.compare(instant(b.end), now) > 0)
      .sort(byStart),
    past: confirmed
      .filter((b) => Temporal.Instant.compare(instant(b.end), now) <= 0)
      .sort((a, b) => byStart(b, a)),
    cancelled: bookings.filter((b) => b.status === 'cancelled').sort((a, b) => byStart(b, a)),
  };
}

/** Minutes between a deadline and the start: the tutor's notice, as the booking states it. */
export function noticeMinutes(start: string, closesAt: string): number {
  return instant(closesAt).until(instant(start)).total('minutes');
}

export function isOpen(closesAt: string, now: Temporal.Instant = Temporal.Now.instant()): boolean {
  return Temporal.Instant.compare(now, instant(closesAt)) < 0;
}

export function hasStarted(booking: BookingRead, now: Temporal.Instant = Temporal.Now.instant()) {
  return Temporal.Instant.compare(instant(booking.start), now) <= 0;
}

const REASONS: Record<string, string> = {
  event_cancelled: 'the tutor deleted the event in Google Calendar',
  removed_in_google: 'the tutor removed you from the event in Google Calendar',
  account_deleted: 'the account was deleted',
};

export function whyCancelled(booking: BookingRead): string {
  if (booking.cancel_reason && REASONS[booking.cancel_reason])
    return REASONS[booking.cancel_reason]!;
  if (booking.cancelled_by === 'student') return 'you cancelled it';
  if (booking.cancelled_by === 'tutor') return 'the tutor cancelled it';
  return 'it was cancelled';
}

/** What a student calls a booking: the session's title; for a slot, whom it is with (the
 * event's own title, written for the tutor's calendar, names the student). */
export function studentTitle(booking: BookingRead): string {
  if (booking.kind === 'session') return booking.title;
  const who = `with ${booking.tutor.name}`;
  return booking.subject_name ? `${booking.subject_name}: one-to-one ${who}` : `One-to-one ${who}`;
}

/** The booking and whom it is with, once: "Tutoring: Algebra with Tara Tutor". */
export function titleWithTutor(booking: BookingRead): string {
  const title = studentTitle(booking);
  return booking.kind === 'session' ? `${title} with ${booking.tutor.name}` : title;
}

/** Where a booking is moved from: its tutor's week (in the viewer's zone), in move mode. */
export function moveRoute(booking: BookingRead, zone: string) {
  const day = instant(booking.start).toZonedDateTimeISO(zone).toPlainDate();
  return {
    path: `/tutors/${booking.tutor.id}`,
    query: { move: booking.id, week: mondayOf(day).toString() },
  };
}
