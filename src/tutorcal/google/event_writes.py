"""Writing bookings into tutors' Google events, idempotently.

Adding or removing a student is read-modify-write of the whole attendee list (an update
replaces the array), guarded by the event's etag: on 412 the event is read again and the
change re-applied. Every other attendee object goes back unchanged. A one-to-one event is
created with a client-supplied id derived from the booking, so a retry after a timeout
meets 409 instead of making a second event, and ``extendedProperties.private`` proves
the event is ours. https://developers.google.com/workspace/calendar/api/guides/version-resources
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tutorcal.google.calendar_client import CalendarClient
from tutorcal.google.calendar_errors import (
    CalendarApiError,
    CalendarNotFound,
    Duplicate,
    PreconditionFailed,
)
from tutorcal.google.calendar_types import Attendee, Event, EventDateTime
from tutorcal.google.mirror import BOOKING_PROPERTY

ETAG_RETRIES = 5
SLOT_DESCRIPTION = "Booked through tutorcal."
SEAT_PROPERTY_PREFIX = "tcs_"  # + booking id hex: Google allows keys of up to 44 characters


class NotOurEvent(CalendarApiError):
    """The client-supplied id is taken by an event that does not carry our booking id."""


def slot_event_id(booking_id: uuid.UUID) -> str:
    """base32hex (a to v, 0 to 9), 5 to 1024 characters, unique per calendar (events reference: id)."""
    return f"tc{booking_id.hex}"


def seat_key(booking_id: uuid.UUID) -> str:
    return f"{SEAT_PROPERTY_PREFIX}{booking_id.hex}"


def _private(event: Event) -> dict[str, str]:
    properties = dict(event.extended_properties or {})
    private = dict(properties.get("private", {}))
    properties["private"] = private
    event.extended_properties = properties
    return private


@dataclass(frozen=True)
class AttendanceWritten:
    """Google's answer to our update of the guest list, and the etag of the version it replaced."""

    event: Event
    replaced_etag: str


async def set_attendance(
    client: CalendarClient,
    calendar_id: str,
    event_id: str,
    *,
    email: str,
    display_name: str,
    booking_id: uuid.UUID,
    present: bool,
) -> AttendanceWritten | None:
    """Make ``email`` an attendee of the event, or not. None when nothing was written: the
    event is gone, or says so already."""
    for _ in range(ETAG_RETRIES):
        try:
            event = await client.get_event(calendar_id, event_id)
        except CalendarNotFound:
            return None
        if event.is_cancelled:
            return None
        read_etag = event.etag or ""
        attendees = list(event.attendees)
        listed = any((a.email or "").lower() == email.lower() for a in attendees)
        private = _private(event)
        key = seat_key(booking_id)
        # Each booking marks its own seat; the student is a guest while any mark of theirs is
        # on the event. A cancellation's write decided before the student booked this session
        # again (and reaching Google after that booking's write) so takes away its own mark
        # only, never the guest the new booking holds. One booking holds a student's seat at a
        # time, so the holder's write drops any other mark of theirs (a cancelled booking's),
        # which would otherwise keep them on the event after they cancel.
        others = [
            name
            for name, value in private.items()
            if name.startswith(SEAT_PROPERTY_PREFIX)
            and name != key
            and value.lower() == email.lower()
        ]
        guest = present or bool(others)
        if listed == guest and (key in private) == present and not (present and others):
            return None
        if guest and not listed:
            attendees.append(
                Attendee(email=email, displayName=display_name, responseStatus="needsAction")
            )
        if not guest:
            attendees = [a for a in attendees if (a.email or "").lower() != email.lower()]
        if present:
            for name in others:
                private.pop(name)
            private[key] = email
        else:
            private.pop(key, None)
        event.attendees = attendees
        # Students in a group session must not see each other's addresses.
        setattr(event, "guestsCanSeeOtherGuests", False)  # noqa: B010 - an extra field of Google's
        try:
            written = await client.update_event(calendar_id, event, send_updates="all")
        except PreconditionFailed:
            continue  # changed since we read it: read again and re-apply
        return AttendanceWritten(written, read_etag)
    raise PreconditionFailed(412, "conditionNotMet", f"event {event_id} kept changing")


async def put_slot_event(
    client: CalendarClient,
    calendar_id: str,
    event_id: str,
    *,
    booking_id: uuid.UUID,
    summary: str,
    description: str = SLOT_DESCRIPTION,
    start: datetime,
    end: datetime,
    student_email: str,
    student_name: str,
    likely_new: bool = True,
) -> Event:
    """The one-to-one event exists at these times with the student invited (and a Meet link).

    ``likely_new``: no event was written for this id yet, so the insert goes first and a
    booking costs one call; the event is read only when Google answers 409 (our own earlier
    attempt got through, or someone else's event has the id). Otherwise (a moved slot keeps
    its event) it is read first, as an insert would only meet 409.
    """
    insert_first = likely_new
    for _ in range(ETAG_RETRIES):
        if insert_first:
            inserted = await _insert_slot_event(
                client,
                calendar_id,
                event_id,
                booking_id=booking_id,
                summary=summary,
                description=description,
                start=start,
                end=end,
                student_email=student_email,
                student_name=student_name,
            )
            if inserted is not None:
                return inserted
        insert_first = True  # if the read below finds nothing, inserting is what is left
        try:
            event = await client.get_event(calendar_id, event_id)
        except CalendarNotFound:
            continue
        owner = _private(event).get(BOOKING_PROPERTY)
        if owner is None:
            raise NotOurEvent(409, "duplicate", f"event {event_id} exists and is not tutorcal's")
        times = event.times("UTC")
        has_student = any((a.email or "").lower() == student_email.lower() for a in event.attendees)
        if (
            not event.is_cancelled
            and times == (start, end)
            and has_student
            and owner == str(booking_id)
            and (event.description or "") == description
        ):
            return event
        event.status = "confirmed"
        event.description = description
        event.start = EventDateTime.model_validate({"dateTime": start.isoformat()})
        event.end = EventDateTime.model_validate({"dateTime": end.isoformat()})
        if not has_student:
            event.attendees = [
                *event.attendees,
                Attendee(email=student_email, displayName=student_name),
            ]
        _private(event)[BOOKING_PROPERTY] = str(booking_id)
        try:
            return await client.update_event(calendar_id, event, send_updates="all")
        except PreconditionFailed:
            insert_first = False  # it exists and changed since we read it: read again
            continue
    raise PreconditionFailed(412, "conditionNotMet", f"event {event_id} kept changing")


async def _insert_slot_event(
    client: CalendarClient,
    calendar_id: str,
    event_id: str,
    *,
    booking_id: uuid.UUID,
    summary: str,
    description: str,
    start: datetime,
    end: datetime,
    student_email: str,
    student_name: str,
) -> Event | None:
    """The new event, or None when the id is taken already (409): the caller reads it."""
    body: dict[str, Any] = {
        "id": event_id,
        "summary": summary,
        # Google e-mails the description to the guests: the student and the tutor only.
        "description": description,
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
        "attendees": [{"email": student_email, "displayName": student_name}],
        "guestsCanSeeOtherGuests": False,
        "extendedProperties": {"private": {BOOKING_PROPERTY: str(booking_id)}},
        "conferenceData": {
            "createRequest": {
                "requestId": booking_id.hex,
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        },
    }
    try:
        return await client.insert_event(calendar_id, body, send_updates="all", with_meet=True)
    except Duplicate:
        # Our earlier attempt got through (a retry after a timeout), or the id is someone
        # else's: only reading the event tells which.
        return None


async def remove_slot_event(client: CalendarClient, calendar_id: str, event_id: str) -> None:
    try:
        await client.delete_event(calendar_id, event_id, send_updates="all")
    except CalendarNotFound:
        return
    except CalendarApiError as exc:
        if exc.status == 410:  # deleted already
            return
        raise
