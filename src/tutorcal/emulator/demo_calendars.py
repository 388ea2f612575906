"""The demo tutors' Google Calendars, seeded relative to "now" so that someone trying demo
mode sees sessions to book and busy time at once.

Tara (Europe/London) and Theo (America/New_York) each get weekly group and one-to-one
"Tutoring: ..." series, single sessions, and ordinary busy events: a lunch series, a
transparent focus block that does not count as busy, an all-day event. Ids are derived from
the tutor and the event's name, so a reset gives the same series ids again.

No session has students on it here: in demo mode they book their seats through tutorcal
(``tutorcal.demo.setup``), as a browser would, so every guest is a booking.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tutorcal.emulator import event_ops
from tutorcal.emulator.calendar_models import Calendar
from tutorcal.emulator.calendar_store import CalendarStore

DEMO_DOMAIN = "demo.tutorcal.test"
TARA = f"tara@{DEMO_DOMAIN}"
THEO = f"theo@{DEMO_DOMAIN}"
SAM = f"sam@{DEMO_DOMAIN}"
SOFIA = f"sofia@{DEMO_DOMAIN}"
STEFAN = f"stefan@{DEMO_DOMAIN}"
TIME_ZONES = {TARA: "Europe/London", THEO: "America/New_York"}


class _Planner:
    """Events of one tutor, placed in the tutor's local time relative to today."""

    def __init__(self, store: CalendarStore, email: str, now: datetime) -> None:
        self.store = store
        self.zone_name = TIME_ZONES[email]
        self.calendar: Calendar = store.set_primary_time_zone(email, self.zone_name)
        self.today = now.astimezone(ZoneInfo(self.zone_name)).date()
        self.monday = self.today - timedelta(days=self.today.weekday())

    def timed(self, day: date, start: time, minutes: int) -> dict[str, Any]:
        begin = datetime.combine(day, start)
        return {
            "start": {"dateTime": begin.isoformat(), "timeZone": self.zone_name},
            "end": {
                "dateTime": (begin + timedelta(minutes=minutes)).isoformat(),
                "timeZone": self.zone_name,
            },
        }

    def add(self, key: str, summary: str, times: dict[str, Any], **fields: Any) -> None:
        event_id = hashlib.sha256(f"demo:{self.calendar.id}:{key}".encode()).hexdigest()[:26]
        body = {"id": event_id, "summary": summary, **times, **fields}
        event_ops.insert(
            self.store,
            self.calendar,
            body,
            creator=self.calendar.owner,
            conference_version=1,
            as_owner_in_ui=True,
        )


def _meet(key: str) -> dict[str, Any]:
    return {
        "createRequest": {
            "requestId": f"demo-{key}",
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
        }
    }


def seed_demo_calendars(store: CalendarStore, now: datetime) -> None:
    _seed_tara(_Planner(store, TARA, now))
    _seed_theo(_Planner(store, THEO, now))


def _seed_tara(plan: _Planner) -> None:
    weekly = "RRULE:FREQ=WEEKLY;BYDAY={};COUNT=30"
    plan.add(
        "algebra-group",
        "Tutoring: Algebra (group)",
        plan.timed(plan.monday, time(16), 60),
        description="Small-group algebra practice.\ncapacity: 3",
        recurrence=[weekly.format("MO,WE")],
        conferenceData=_meet("algebra-group"),
    )
    plan.add(
        "algebra-1to1",
        "Tutoring: Algebra 1:1",
        plan.timed(plan.monday + timedelta(days=3), time(10), 60),
        description="One-to-one algebra.",
        recurrence=[weekly.format("TH")],
    )
    plan.add(
        "exam-prep",
        "Tutoring: Exam prep",
        plan.timed(plan.today + timedelta(days=2), time(14), 90),
        description="Past papers, timed.\ncapacity: 3",
    )
    plan.add(
        "geometry",
        "Tutoring: Geometry",
        plan.timed(plan.today + timedelta(days=3), time(11), 60),
        conferenceData=_meet("geometry"),
    )
    plan.add(
        "lunch",
        "Lunch",
        plan.timed(plan.monday, time(12, 30), 60),
        recurrence=[weekly.format("MO,TU,WE,TH,FR")],
    )
    plan.add(
        "focus",
        "Focus time",
        plan.timed(plan.today + timedelta(days=1), time(9), 60),
        transparency="transparent",
    )
    plan.add("dentist", "Dentist", plan.timed(plan.today + timedelta(days=1), time(15), 60))
    training = plan.today + timedelta(days=4)
    plan.add(
        "training",
        "Staff training day",
        {
            "start": {"date": training.isoformat()},
            "end": {"date": (training + timedelta(days=1)).isoformat()},
        },
    )


def _seed_theo(plan: _Planner) -> None:
    weekly = "RRULE:FREQ=WEEKLY;BYDAY={};COUNT=30"
    plan.add(
        "physics-group",
        "Tutoring: Physics",
        plan.timed(plan.monday + timedelta(days=1), time(17), 60),
        description="Mechanics and waves in a small group.\ncapacity: 3",
        recurrence=[weekly.format("TU,TH")],
    )
    plan.add(
        "physics-1to1",
        "Tutoring: Physics 1:1",
        plan.timed(plan.today + timedelta(days=1), time(15), 60),
        conferenceData=_meet("physics-1to1"),
    )
    plan.add(
        "chemistry",
        "Tutoring: Chemistry lab review",
        plan.timed(plan.today + timedelta(days=5), time(16), 60),
        description="capacity: 2",
    )
    plan.add(
        "team",
        "Team meeting",
        plan.timed(plan.monday + timedelta(days=2), time(12), 60),
        recurrence=[weekly.format("WE")],
    )
    plan.add(
        "gym",
        "Gym (flexible)",
        plan.timed(plan.today + timedelta(days=2), time(7), 60),
        transparency="transparent",
    )
    conference_days = plan.today + timedelta(days=6)
    plan.add(
        "conference",
        "Science teachers' conference",
        {
            "start": {"date": conference_days.isoformat()},
            "end": {"date": (conference_days + timedelta(days=2)).isoformat()},
        },
    )
