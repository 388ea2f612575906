// What a week view offers: a tutor's sessions and free slots as one list, each with
// whether and why it can be booked now.
import { Temporal } from 'temporal-polyfill';

import type { BookingRules, SessionRead, SlotRead } from '../client/types.gen';

export type Availability = 'open' | 'full' | 'booked' | 'closed' | 'not_yet' | 'past';

export type Offer =
  | {
      kind: 'session';
      key: string;
      start: string;
      end: string;
      session: SessionRead;
      availability: Availability;
    }
  | { kind: 'slot'; key: string; start: string; end: string; availability: Availability };

function ruleAvailability(
  start: string,
  rules: BookingRules,
  now: Temporal.Instant,
): Availability | null {
  const begins = Temporal.Instant.from(start);
  if (Temporal.Instant.compare(begins, now) <= 0) return 'past';
  const notice = now.add({ minutes: rules.min_notice_minutes });
  if (Temporal.Instant.compare(begins, notice) < 0) return 'closed';
  const horizon = now.add({ hours: rules.horizon_days * 24 });
  if (Temporal.Instant.compare(begins, horizon) > 0) return 'not_yet';
  return null;
}

export function offersOf(
  sessions: readonly SessionRead[],
  slots: readonly SlotRead[],
  rules: BookingRules,
  now: Temporal.Instant = Temporal.Now.instant(),
): Offer[] {
  const fromSessions: Offer[] = sessions.map((session) => ({
    kind: 'session',
    key: `session:${session.id}`,
    start: session.start,
    end: session.end,
    session,
    availability: session.booked_by_me
      ? 'booked'
      : (ruleAvailability(session.start, rules, now) ??
        (session.seats_left === 0 ? 'full' : 'open')),
  }));
  // The API offers only slots that can be booked: notice and horizon are already applied.
  const fromSlots: Offer[] = slots.map((slot) => ({
    kind: 'slot',
    key: `slot:${slot.start}`,
    start: slot.start,
    end: slot.end,
    availability: 'open',
  }));
  return [...fromSessions, ...fromSlots];
}

export function minutesOf(offer: Offer): number {
  return Temporal.Instant.from(offer.start)
    .until(Temporal.Instant.from(offer.end))
    .total('minutes');
}
