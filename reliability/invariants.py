"""What must hold after the run, however it went: read from the database and from Google.

Each check returns its violations as readable lines; the run passes only with none at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx2

from reliability.workload import Ledger
from tutorcal.google.mirror import BOOKING_PROPERTY

OVER_CAPACITY = """
SELECT s.id, s.title, s.capacity, count(b.id) AS taken
FROM tutoring_sessions s JOIN bookings b ON b.session_id = s.id AND b.status = 'confirmed'
GROUP BY s.id, s.title, s.capacity
HAVING count(b.id) > s.capacity
"""

# Seats in one session share its times; what may not overlap is a tutor's one-to-one slots with
# each other or with a session of theirs that has a confirmed seat.
TUTOR_OVERLAPS = """
SELECT a.id, b.id, a.tutor_id
FROM bookings a JOIN bookings b
  ON a.tutor_id = b.tutor_id AND a.id < b.id
 AND a.start_at < b.end_at AND b.start_at < a.end_at
WHERE a.status = 'confirmed' AND b.status = 'confirmed'
  AND (a.kind = 'slot' OR b.kind = 'slot')
"""

STUDENT_OVERLAPS = """
SELECT a.id, b.id, a.student_id
FROM bookings a JOIN bookings b
  ON a.student_id = b.student_id AND a.id < b.id
 AND a.start_at < b.end_at AND b.start_at < a.end_at
WHERE a.status = 'confirmed' AND b.status = 'confirmed'
"""

SESSIONS = """
SELECT s.id, s.title, s.google_event_id, s.is_active,
       CASE c.google_calendar_id WHEN 'primary' THEN t.email ELSE c.google_calendar_id END
         AS calendar,
       coalesce(array_agg(u.email) FILTER (WHERE b.id IS NOT NULL), '{}') AS students
FROM tutoring_sessions s
JOIN mirrored_calendars c ON c.id = s.calendar_id
JOIN users t ON t.id = s.tutor_id
LEFT JOIN bookings b ON b.session_id = s.id AND b.status = 'confirmed'
LEFT JOIN users u ON u.id = b.student_id
GROUP BY s.id, s.title, s.google_event_id, s.is_active, c.google_calendar_id, t.email
"""

SLOT_BOOKINGS = """
SELECT b.id, b.calendar_event_id, u.email,
       CASE b.google_calendar_id WHEN 'primary' THEN t.email ELSE b.google_calendar_id END
         AS calendar
FROM bookings b JOIN users u ON u.id = b.student_id JOIN users t ON t.id = b.tutor_id
WHERE b.kind = 'slot' AND b.status = 'confirmed'
"""

BOOKINGS = """
SELECT b.id::text, b.status, b.cancelled_by, b.cancel_reason, b.calendar_sync, u.email,
       s.is_active AS session_active
FROM bookings b JOIN users u ON u.id = b.student_id
LEFT JOIN tutoring_sessions s ON s.id = b.session_id
"""

OUTBOX = "SELECT status, count(*) FROM outbox_jobs GROUP BY status"


@dataclass
class Findings:
    violations: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(found) for found in self.violations.values())


def _attendees(event: dict[str, Any]) -> set[str]:
    return {
        attendee["email"].lower()
        for attendee in event.get("attendees", [])
        if not attendee.get("organizer") and attendee.get("responseStatus") != "declined"
    }


async def check(
    database_url: str, emulator_url: str, ledger: Ledger, tutors: list[str]
) -> Findings:
    import asyncpg

    findings = Findings()
    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        over = await connection.fetch(OVER_CAPACITY)
        tutor_overlaps = await connection.fetch(TUTOR_OVERLAPS)
        student_overlaps = await connection.fetch(STUDENT_OVERLAPS)
        sessions = await connection.fetch(SESSIONS)
        slots = await connection.fetch(SLOT_BOOKINGS)
        bookings = await connection.fetch(BOOKINGS)
        outbox: dict[str, int] = {row[0]: row[1] for row in await connection.fetch(OUTBOX)}
    finally:
        await connection.close()

    findings.violations["session over capacity"] = [
        f"{row['title']}: {row['taken']} confirmed for {row['capacity']} seats" for row in over
    ]
    findings.violations["overlapping bookings of a tutor"] = [
        f"bookings {row[0]} and {row[1]}" for row in tutor_overlaps
    ]
    findings.violations["overlapping bookings of a student"] = [
        f"bookings {row[0]} and {row[1]}" for row in student_overlaps
    ]

    events: dict[tuple[str, str], dict[str, Any]] = {}
    async with httpx2.AsyncClient(base_url=emulator_url, timeout=30) as http:
        for tutor in tutors:
            listed = (await http.get(f"/_emulator/calendars/{tutor}/events")).json()
            events.update({(tutor, event["id"]): event for event in listed})

    mismatched: list[str] = []
    for row in sessions:
        event = events.get((row["calendar"], row["google_event_id"]))
        confirmed = {email.lower() for email in row["students"]}
        if event is None or event.get("status") == "cancelled" or not row["is_active"]:
            if confirmed:
                mismatched.append(
                    f"{row['title']}: gone from Google, {len(confirmed)} still booked"
                )
            continue
        in_google = _attendees(event)
        if in_google != confirmed:
            mismatched.append(
                f"{row['title']}: Google has {sorted(in_google)}, bookings {sorted(confirmed)}"
            )
    slot_events: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in slots:
        slot_events[(row["calendar"], row["calendar_event_id"])].append(row["email"])
    for key, students in slot_events.items():
        event = events.get(key)
        if len(students) > 1:
            mismatched.append(f"slot event {key[1]}: {len(students)} confirmed bookings")
        if event is None or event.get("status") == "cancelled":
            mismatched.append(f"slot event {key[1]}: booked by {students} but not in Google")
        elif _attendees(event) != {s.lower() for s in students}:
            mismatched.append(f"slot event {key[1]}: Google has {sorted(_attendees(event))}")
    for (calendar, event_id), event in events.items():
        # Our mark, not the id: Google's own random ids start with "tc" one time in 1024.
        private = event.get("extendedProperties", {}).get("private", {})
        ours = BOOKING_PROPERTY in private and event.get("status") != "cancelled"
        if ours and (calendar, event_id) not in slot_events:
            mismatched.append(f"slot event {event_id} in Google has no confirmed booking")
    findings.violations["Google attendees differ from confirmed bookings"] = mismatched

    pending = int(outbox.get("pending", 0))
    findings.violations["outbox items pending after the drain time"] = (
        [f"{pending} pending"] if pending else []
    )
    findings.counts["outbox jobs done"] = int(outbox.get("done", 0))
    findings.counts["outbox jobs failed"] = int(outbox.get("failed", 0))

    by_id = {row["id"]: row for row in bookings}
    lost: list[str] = []
    for booking_id, email in ledger.promised.items():
        held = by_id.get(booking_id)
        if held is None:
            lost.append(f"{booking_id} ({email}): answered confirmed, not in the database")
        elif held["email"] != email:
            lost.append(f"{booking_id}: answered to {email}, held by {held['email']}")
        elif (
            held["status"] == "cancelled"
            and booking_id not in ledger.cancel_asked
            # Only a tutor deleting the session in Google may cancel what nobody asked to.
            and (held["cancelled_by"] != "tutor" or held["session_active"] is not False)
        ):
            lost.append(f"{booking_id} ({email}): cancelled ({held['cancel_reason']}) unasked")
    findings.violations["confirmed answers lost"] = lost
    confirmed_rows = [row for row in bookings if row["status"] == "confirmed"]
    findings.counts["bookings confirmed at the end"] = len(confirmed_rows)
    findings.counts["bookings cancelled by students"] = sum(
        1 for row in bookings if row["status"] == "cancelled" and row["cancelled_by"] != "tutor"
    )
    findings.counts["bookings cancelled by tutors' edits"] = sum(
        1 for row in bookings if row["cancelled_by"] == "tutor"
    )
    findings.counts["calendar_sync failed"] = sum(
        1 for row in confirmed_rows if row["calendar_sync"] == "failed"
    )
    return findings
