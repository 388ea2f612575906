// The tutor's own sessions with who is on them (GET /tutors/me/sessions), as API.md gives
// them: students holding a booking, and guests invited in Google who hold none.
import { client } from '../client/client.gen';
import type { SessionRead } from '../client/types.gen';
import { api } from '../api/http';

export interface RosterEntry {
  booking_id: string;
  student: { id: string; name: string; email: string };
  status: 'confirmed' | 'cancelled';
  created_at: string;
  attendance: string | null;
}

export interface Roster {
  bookings: RosterEntry[];
  guests: string[];
}

export type TutorSession = SessionRead & { roster: Roster };

export async function mySessions(start: string, end: string): Promise<TutorSession[]> {
  return api(
    client.get<{ 200: TutorSession[] }, unknown, false>({
      url: '/api/v1/tutors/me/sessions',
      query: { start, end },
    }),
  );
}

/** Who holds a seat now: the roster's confirmed bookings, by name. */
export function seated(roster: Roster): RosterEntry[] {
  return roster.bookings
    .filter((b) => b.status === 'confirmed')
    .sort((a, b) => a.student.name.localeCompare(b.student.name));
}
