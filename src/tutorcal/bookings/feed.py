"""A secret iCalendar URL of a user's confirmed bookings, for any calendar app."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from tutorcal.bookings.models import Booking, BookingStatus, CalendarFeedToken
from tutorcal.core.crypto import new_token, token_hash
from tutorcal.errors import NotFound
from tutorcal.users.models import User

FEED_PAST = timedelta(days=90)


async def create_feed_token(user: User, now: datetime) -> str:
    """A new secret; the previous URL stops working."""
    token = new_token()
    async with in_transaction():
        await CalendarFeedToken.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        await CalendarFeedToken.create(user=user, token_hash=token_hash(token))
    return token


async def render_feed(token: str, now: datetime) -> bytes:
    feed = await CalendarFeedToken.get_or_none(
        token_hash=token_hash(token), revoked_at__isnull=True
    ).select_related("user")
    if feed is None or feed.user.deleted_at is not None:
        raise NotFound("There is no such calendar feed.")
    user = feed.user
    bookings = (
        await Booking.filter(
            Q(student=user) | Q(tutor=user),
            status=BookingStatus.CONFIRMED,
            end_at__gt=now - FEED_PAST,
        )
        .select_related("tutor", "student")
        .order_by("start_at")
    )
    from icalendar import Calendar, Event  # only feed readers need it; it is slow to import

    calendar = Calendar()
    calendar.add("prodid", "-//tutorcal//bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "tutorcal bookings")
    for booking in bookings:
        event = Event()
        event.add("uid", f"{booking.id}@tutorcal")
        event.add("dtstamp", booking.created_at)
        event.add("dtstart", booking.start_at)
        event.add("dtend", booking.end_at)
        other = booking.tutor if booking.student_id == user.id else booking.student
        event.add("summary", f"Tutoring with {other.name}")
        if booking.meet_link:
            event.add("location", booking.meet_link)
            event.add("url", booking.meet_link)
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
