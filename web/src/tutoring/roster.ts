// The tutor's own sessions with who is on them (GET /tutors/me/sessions): students holding a
// booking, and guests invited in Google who hold none.
import { api } from '../api/http';
import { listMySessions } from '../client/sdk.gen';
import type { RosterBookingRead, RosterRead, TutorSessionRead } from '../client/types.gen';

export type TutorSession = TutorSessionRead;

export async function mySessions(start: string, end: string): Promise<TutorSession[]> {
  return api(listMySessions({ query: { start, end } }));
}

/** Who holds a seat now: the roster's confirmed bookings, by name. */
export function seated(roster: RosterRead): RosterBookingRead[] {
  return roster.bookings
    .filter((b) => b.status === 'confirmed')
    .sort((a, b) => a.student.name.localeCompare(b.student.name));
}
