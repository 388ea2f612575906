"""Subjects, the tutor directory, and tutors' own settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.core.ids import parse_id, parse_reference
from tutorcal.google.grants import CalendarStatus, calendar_status
from tutorcal.google.models import GoogleGrant, MirroredCalendar
from tutorcal.tutors.errors import SubjectCodeTaken, TutorNotFound, UnknownSubject
from tutorcal.tutors.models import Subject, TutorProfile, TutorSubject
from tutorcal.tutors.schemas import TutorSettings
from tutorcal.users.models import User


async def list_subjects() -> list[Subject]:
    return await Subject.all().order_by("name")


async def create_subject(actor: User, name: str, code: str) -> Subject:
    try:
        subject = await Subject.create(name=name, code=code.lower())
    except IntegrityError as exc:
        raise SubjectCodeTaken() from exc
    await audit.record(
        "subject_created",
        actor_id=str(actor.id),
        subject_type="subject",
        subject_id=str(subject.id),
        detail={"code": subject.code},
    )
    return subject


class TutorView(NamedTuple):
    user: User
    profile: TutorProfile
    subjects: list[Subject]
    calendar_status: CalendarStatus
    last_synced_at: datetime | None


async def _profile(user: User) -> TutorProfile:
    profile, _ = await TutorProfile.get_or_create(user=user, defaults={})
    return profile


async def _views(users: list[User]) -> list[TutorView]:
    ids = [user.id for user in users]
    profiles = {p.user_id: p for p in await TutorProfile.filter(user_id__in=ids)}
    taught: dict[uuid.UUID, list[Subject]] = {}
    for link in (
        await TutorSubject.filter(tutor_id__in=ids)
        .select_related("subject")
        .order_by("subject__name")
    ):
        taught.setdefault(link.tutor_id, []).append(link.subject)
    grants = {g.user_id: g for g in await GoogleGrant.filter(user_id__in=ids)}
    synced: dict[uuid.UUID, datetime] = {}
    for calendar in await MirroredCalendar.filter(tutor_id__in=ids, holds_sessions=True):
        if calendar.last_synced_at:
            synced[calendar.tutor_id] = calendar.last_synced_at
    views = []
    for user in users:
        profile = profiles.get(user.id) or await _profile(user)
        views.append(
            TutorView(
                user,
                profile,
                taught.get(user.id, []),
                calendar_status(grants.get(user.id)),
                synced.get(user.id),
            )
        )
    return views


async def list_tutors(
    *, subject_id: str | None, query: str | None, limit: int, cursor: str | None
) -> tuple[list[TutorView], str | None]:
    from tutorcal.core.pagination import paginate

    tutors = User.filter(is_tutor=True, deleted_at__isnull=True)
    if subject_id:
        try:
            subject_uuid = uuid.UUID(subject_id)
        except ValueError:
            # A filter, not an address: a malformed id names no subject, so nobody teaches it.
            return [], None
        tutors = tutors.filter(taught_subjects__subject_id=subject_uuid)
    if query:
        tutors = tutors.filter(
            Q(name__icontains=query)
            | Q(tutor_profile__bio__icontains=query)
            | Q(taught_subjects__subject__name__icontains=query)
        )
    rows, next_cursor = await paginate(tutors.distinct(), limit=limit, cursor=cursor)
    return await _views(rows), next_cursor


class NoticeWindows(NamedTuple):
    cancel_notice_minutes: int
    reschedule_notice_minutes: int


async def notice_windows(tutor_ids: set[uuid.UUID]) -> dict[uuid.UUID, NoticeWindows]:
    """Each tutor's cancel and reschedule notice (a tutor who never saved settings has the
    defaults)."""
    # Two columns, not whole profiles: every booking answer asks this.
    rows = await TutorProfile.filter(user_id__in=tutor_ids).values_list(
        "user_id", "cancel_notice_minutes", "reschedule_notice_minutes"
    )
    found = {uuid.UUID(str(user_id)): NoticeWindows(c, r) for user_id, c, r in rows}
    defaults = TutorProfile._meta.fields_map
    fallback = NoticeWindows(
        int(defaults["cancel_notice_minutes"].default),
        int(defaults["reschedule_notice_minutes"].default),
    )
    return {tutor_id: found.get(tutor_id, fallback) for tutor_id in tutor_ids}


async def get_tutor(tutor_id: str) -> TutorView:
    user = await User.get_or_none(
        id=parse_id(tutor_id, "tutor"), is_tutor=True, deleted_at__isnull=True
    )
    if user is None:
        raise TutorNotFound()
    return (await _views([user]))[0]


async def get_tutor_profile(tutor_id: str) -> tuple[User, TutorProfile]:
    """The tutor and their settings only: what free slots need, in two reads instead of the
    five of a whole TutorView (subjects, grant, calendars). Raises TutorNotFound."""
    user = await User.get_or_none(
        id=parse_id(tutor_id, "tutor"), is_tutor=True, deleted_at__isnull=True
    )
    if user is None:
        raise TutorNotFound()
    profile = await TutorProfile.get_or_none(user_id=user.id) or await _profile(user)
    return user, profile


def settings_of(view: TutorView) -> TutorSettings:
    p = view.profile
    return TutorSettings(
        bio=p.bio,
        subject_ids=[str(s.id) for s in view.subjects],
        timezone=view.user.timezone,
        session_calendar_id=p.session_calendar_id,
        session_keyword=p.session_keyword,
        busy_calendar_ids=p.busy_calendar_ids,
        default_capacity=p.default_capacity,
        slot_minutes=p.slot_minutes,
        buffer_minutes=p.buffer_minutes,
        min_notice_minutes=p.min_notice_minutes,
        horizon_days=p.horizon_days,
        max_bookings_per_student_per_week=p.max_bookings_per_student_per_week,
        cancel_notice_minutes=p.cancel_notice_minutes,
        reschedule_notice_minutes=p.reschedule_notice_minutes,
        ignore_all_day_events=p.ignore_all_day_events,
    )


async def update_settings(tutor: User, new: TutorSettings) -> tuple[TutorView, bool]:
    """Save the settings; returns the view and whether what is mirrored from Google changed."""
    subject_ids = [parse_reference(s, UnknownSubject) for s in dict.fromkeys(new.subject_ids)]
    subjects = await Subject.filter(id__in=subject_ids)
    if len(subjects) != len(subject_ids):
        raise UnknownSubject()
    async with in_transaction():
        profile = await _profile(tutor)
        mirror_changed = (
            profile.session_calendar_id != new.session_calendar_id
            or profile.session_keyword != new.session_keyword
            or sorted(profile.busy_calendar_ids) != sorted(new.busy_calendar_ids)
            or profile.horizon_days < new.horizon_days
            or profile.default_capacity != new.default_capacity
        )
        for name in (
            "bio",
            "session_calendar_id",
            "session_keyword",
            "default_capacity",
            "slot_minutes",
            "buffer_minutes",
            "min_notice_minutes",
            "horizon_days",
            "max_bookings_per_student_per_week",
            "cancel_notice_minutes",
            "reschedule_notice_minutes",
            "ignore_all_day_events",
        ):
            setattr(profile, name, getattr(new, name))
        profile.busy_calendar_ids = list(dict.fromkeys(new.busy_calendar_ids))
        await profile.save()
        await TutorSubject.filter(tutor=tutor).delete()
        await TutorSubject.bulk_create(
            [TutorSubject(tutor=tutor, subject=subject) for subject in subjects]
        )
        tutor.timezone = new.timezone
        await tutor.save(update_fields=["timezone", "updated_at"])
        await audit.record(
            "tutor_settings_changed",
            actor_id=str(tutor.id),
            subject_type="user",
            subject_id=str(tutor.id),
        )
    return await get_tutor(str(tutor.id)), mirror_changed
