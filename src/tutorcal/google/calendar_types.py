"""Google Calendar API v3 resources, only the fields tutorcal reads or writes.

https://developers.google.com/workspace/calendar/api/v3/reference/events
Unknown fields are kept (``extra="allow"``) so that an event read and written back loses
nothing, which matters because an update replaces the whole resource.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field


class GoogleModel(BaseModel):
    # Built on first use, not at import: only talking to Google needs these, and start-up
    # (Cloud Run's cold start) should not pay for them.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class EventDateTime(GoogleModel):
    date_time: datetime | None = Field(default=None, alias="dateTime")
    date_value: date | None = Field(default=None, alias="date")
    time_zone: str | None = Field(default=None, alias="timeZone")

    @property
    def is_all_day(self) -> bool:
        return self.date_time is None and self.date_value is not None

    def as_utc(self, calendar_timezone: str) -> datetime | None:
        """An instant; an all-day date starts at midnight in the calendar's time zone."""
        if self.date_time is not None:
            moment = self.date_time
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZoneInfo(self.time_zone or calendar_timezone))
            return moment.astimezone(UTC)
        if self.date_value is not None:
            zone = ZoneInfo(self.time_zone or calendar_timezone)
            return datetime.combine(self.date_value, time.min, tzinfo=zone).astimezone(UTC)
        return None


class Attendee(GoogleModel):
    email: str | None = None
    display_name: str | None = Field(default=None, alias="displayName")
    organizer: bool | None = None
    is_self: bool | None = Field(default=None, alias="self")
    resource: bool | None = None
    response_status: str | None = Field(default=None, alias="responseStatus")


class Person(GoogleModel):
    email: str | None = None
    is_self: bool | None = Field(default=None, alias="self")


class EntryPoint(GoogleModel):
    entry_point_type: str | None = Field(default=None, alias="entryPointType")
    uri: str | None = None


class ConferenceData(GoogleModel):
    entry_points: list[EntryPoint] = Field(default_factory=list, alias="entryPoints")


class Event(GoogleModel):
    id: str
    status: str = "confirmed"
    etag: str | None = None
    summary: str | None = None
    description: str | None = None
    location: str | None = None
    start: EventDateTime | None = None
    end: EventDateTime | None = None
    transparency: str | None = None
    recurring_event_id: str | None = Field(default=None, alias="recurringEventId")
    organizer: Person | None = None
    attendees: list[Attendee] = Field(default_factory=list)
    hangout_link: str | None = Field(default=None, alias="hangoutLink")
    conference_data: ConferenceData | None = Field(default=None, alias="conferenceData")
    extended_properties: dict[str, dict[str, str]] | None = Field(
        default=None, alias="extendedProperties"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_transparent(self) -> bool:
        return self.transparency == "transparent"

    @property
    def is_all_day(self) -> bool:
        return bool(self.start and self.start.is_all_day)

    @property
    def is_declined_by_owner(self) -> bool:
        return any(a.is_self and a.response_status == "declined" for a in self.attendees)

    @property
    def meet_link(self) -> str | None:
        if self.hangout_link:
            return self.hangout_link
        if self.conference_data:
            for entry in self.conference_data.entry_points:
                if entry.entry_point_type == "video" and entry.uri:
                    return entry.uri
        return None

    def times(self, calendar_timezone: str) -> tuple[datetime, datetime] | None:
        if self.start is None or self.end is None:
            return None
        start, end = self.start.as_utc(calendar_timezone), self.end.as_utc(calendar_timezone)
        if start is None or end is None:
            return None
        if end <= start:
            end = start + timedelta(minutes=1)
        return start, end

    def to_body(self) -> dict[str, Any]:
        """The resource as Google wants it back: every field, including ones we do not model."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class EventsPage(GoogleModel):
    items: list[Event] = Field(default_factory=list)
    next_page_token: str | None = Field(default=None, alias="nextPageToken")
    next_sync_token: str | None = Field(default=None, alias="nextSyncToken")
    time_zone: str | None = Field(default=None, alias="timeZone")


class CalendarListEntry(GoogleModel):
    id: str
    summary: str = ""
    time_zone: str | None = Field(default=None, alias="timeZone")
    access_role: str | None = Field(default=None, alias="accessRole")
    primary: bool | None = None


class CalendarListPage(GoogleModel):
    items: list[CalendarListEntry] = Field(default_factory=list)
    next_page_token: str | None = Field(default=None, alias="nextPageToken")


class Channel(GoogleModel):
    id: str
    resource_id: str = Field(alias="resourceId")
    expiration: int | None = None  # milliseconds since the epoch, as a string or number


class BusyPeriod(GoogleModel):
    start: datetime
    end: datetime
