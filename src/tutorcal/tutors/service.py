"""Subjects, the tutor directory, and tutors' own settings and Google calendars."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Set
from datetime import datetime
from typing import Any, NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from tutorcal.audit import service as audit
from tutorcal.core.ids import parse_id, parse_reference
from tutorcal.core.pagination import paginate
from tutorcal.errors import Forbidden
from tutorcal.google.calendar_errors import CalendarApiError, Unreachable
from tutorcal.google.grants import CalendarStatus, NoLiveCalendarGrant, calendar_status
from tutorcal.google.models import GoogleGrant, GrantStatus, MirroredCalendar
from tutorcal.google.service import CalendarService
from tutorcal.tutors.errors import (
    CalendarNotConnected,
    GoogleCalendarUnavailable,
    SubjectCodeTaken,
    TutorNotFound,
    UnknownSubject,
)
from tutorcal.tutors.models import Subject, TutorProfile, TutorSubject
from tutorcal.tutors.schemas import (
    BookingRules,
    CalendarChoice,
    CalendarSyncRead,
    SubjectRead,
    TutorDetail,
    TutorRead,
    TutorSettings,
)
from tutorcal.users.models import User


def _subject_read(subject: Subject) -> SubjectRead:
    return SubjectRead(id=str(subject.id), name=subject.name, code=subject.code)


async def list_subjects() -> list[SubjectRead]:
    return [_subject_read(s) for s in await Subject.all().order_by("name")]


async def create_subject(actor: User, name: str, code: str) -> SubjectRead:
    """Raises SubjectCodeTaken; audited."""
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
    return _subject_read(subject)


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


def _tutor_read(view: TutorView) -> TutorRead:
    return TutorRead(
        id=str(view.user.id),
        name=view.user.name,
        picture_url=view.user.picture_url,
        bio=view.profile.bio,
        subjects=[_subject_read(s) for s in view.subjects],
        timezone=view.user.timezone,
        calendar_connected=view.calendar_status == CalendarStatus.CONNECTED,
    )


def tutor_detail(view: TutorView) -> TutorDetail:
    """Also a tutor's schedule's first part (``tutoring_sessions.router``)."""
    p = view.profile
    return TutorDetail(
        **_tutor_read(view).model_dump(),
        calendar_status=view.calendar_status,
        last_synced_at=view.last_synced_at,
        rules=BookingRules(
            slot_minutes=p.slot_minutes,
            min_notice_minutes=p.min_notice_minutes,
            horizon_days=p.horizon_days,
            max_bookings_per_student_per_week=p.max_bookings_per_student_per_week,
            cancel_notice_minutes=p.cancel_notice_minutes,
            reschedule_notice_minutes=p.reschedule_notice_minutes,
        ),
    )


async def list_tutors(
    viewer: User,
    *,
    subject_id: str | None,
    query: str | None,
    limit: int,
    cursor: str | None,
    include_unconnected: bool,
) -> tuple[list[TutorRead], str | None]:
    """Tutors, newest first: those whose calendar is connected, unless an admin asks for
    every one (anyone else: Forbidden)."""
    if include_unconnected and not viewer.is_admin:
        raise Forbidden("Only admins may list tutors whose calendar is not connected.")
    views, next_cursor = await _list_views(
        subject_id=subject_id,
        query=query,
        limit=limit,
        cursor=cursor,
        connected_only=not include_unconnected,
    )
    return [_tutor_read(view) for view in views], next_cursor


async def _list_views(
    *,
    subject_id: str | None,
    query: str | None,
    limit: int,
    cursor: str | None,
    connected_only: bool,
) -> tuple[list[TutorView], str | None]:
    tutors = User.filter(is_tutor=True, deleted_at__isnull=True)
    if connected_only:
        # What calendar_status() calls connected, as far as SQL can tell (the scopes are
        # JSON, checked below): a live grant holding a refresh token.
        tutors = tutors.filter(
            google_grant__status=GrantStatus.ACTIVE,
            google_grant__refresh_token_ciphertext__isnull=False,
        )
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
    views = await _views(rows)
    if connected_only:
        views = [v for v in views if v.calendar_status == CalendarStatus.CONNECTED]
    return views, next_cursor


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


_PROFILE_FIELDS = (
    "bio",
    "session_calendar_id",
    "session_keyword",
    "busy_calendar_ids",
    "default_capacity",
    "slot_minutes",
    "buffer_minutes",
    "min_notice_minutes",
    "horizon_days",
    "max_bookings_per_student_per_week",
    "cancel_notice_minutes",
    "reschedule_notice_minutes",
    "ignore_all_day_events",
)


def _rereads_google(before: Mapping[str, Any], after: Mapping[str, Any], changed: Set[str]) -> bool:
    if changed & {"session_calendar_id", "session_keyword", "default_capacity"}:
        return True
    if "busy_calendar_ids" in changed and sorted(before["busy_calendar_ids"]) != sorted(
        after["busy_calendar_ids"]
    ):
        return True
    # A longer horizon needs events the mirror has not read yet; a shorter one does not.
    return "horizon_days" in changed and after["horizon_days"] > before["horizon_days"]


def _shown(value: Any) -> Any:
    """A setting as the audit trail keeps it: a long bio is cut, not copied whole."""
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value


async def update_settings(tutor: User, changes: Mapping[str, Any]) -> tuple[TutorView, bool]:
    """Set the settings named in ``changes`` (validated by ``TutorSettings`` or
    ``TutorSettingsPatch``); the others keep their values. Returns the view and whether what
    is mirrored from Google changed. Audited with each changed setting's old and new value."""
    after = dict(changes)
    if "busy_calendar_ids" in after:
        after["busy_calendar_ids"] = list(dict.fromkeys(after["busy_calendar_ids"]))
    subjects: list[Subject] = []
    if "subject_ids" in after:
        subject_ids = {parse_reference(s, UnknownSubject) for s in after["subject_ids"]}
        subjects = await Subject.filter(id__in=subject_ids)
        if len(subjects) != len(subject_ids):
            raise UnknownSubject()
        after["subject_ids"] = sorted(str(s) for s in subject_ids)
    async with in_transaction():
        # Locked: the old values the audit entry names are the ones this change replaced.
        profile = await TutorProfile.select_for_update().get_or_none(user_id=tutor.id)
        if profile is None:
            profile = await _profile(tutor)
        user = await User.select_for_update().get(id=tutor.id)
        before: dict[str, Any] = {name: getattr(profile, name) for name in _PROFILE_FIELDS}
        before["timezone"] = user.timezone
        before["subject_ids"] = sorted(
            str(s)
            for s in await TutorSubject.filter(tutor_id=tutor.id).values_list(
                "subject_id", flat=True
            )
        )
        changed = {name: value for name, value in after.items() if before[name] != value}
        mirror_changed = _rereads_google(before, after, changed.keys())
        profile_changes = [name for name in changed if name in _PROFILE_FIELDS]
        for name in profile_changes:
            setattr(profile, name, after[name])
        if profile_changes:
            await profile.save(update_fields=[*profile_changes, "updated_at"])
        if "subject_ids" in changed:
            await TutorSubject.filter(tutor_id=tutor.id).delete()
            await TutorSubject.bulk_create(
                [TutorSubject(tutor=tutor, subject=subject) for subject in subjects]
            )
        if "timezone" in changed:
            user.timezone = tutor.timezone = after["timezone"]
            await user.save(update_fields=["timezone", "updated_at"])
        if changed:
            await audit.record(
                "tutor_settings_changed",
                actor_id=str(tutor.id),
                subject_type="user",
                subject_id=str(tutor.id),
                detail={
                    "changed": {
                        name: {"from": _shown(before[name]), "to": _shown(value)}
                        for name, value in changed.items()
                    }
                },
            )
    return await get_tutor(str(tutor.id)), mirror_changed


async def save_settings(
    tutor: User, changes: Mapping[str, Any], calendar: CalendarService
) -> TutorSettings:
    """``update_settings``, then, if what is mirrored changed and the calendar is connected,
    Google read again in the background."""
    view, mirror_changed = await update_settings(tutor, changes)
    if mirror_changed and view.calendar_status == CalendarStatus.CONNECTED:
        calendar.resync_in_background(tutor)
    return settings_of(view)


async def list_calendars(tutor: User, calendar: CalendarService) -> list[CalendarChoice]:
    """The tutor's Google calendars, asked of Google now; raises CalendarNotConnected,
    GoogleCalendarUnavailable."""
    try:
        client = await calendar.client_for(str(tutor.id))
        entries = await client.list_calendars()
    except NoLiveCalendarGrant as exc:
        raise CalendarNotConnected(
            f"Calendar status: {exc.status.value}. Connect your Google Calendar."
        ) from exc
    except (CalendarApiError, Unreachable) as exc:
        raise GoogleCalendarUnavailable() from exc
    return [
        CalendarChoice(
            id=e.id,
            summary=e.summary,
            primary=bool(e.primary),
            access_role=e.access_role,
            time_zone=e.time_zone,
        )
        for e in entries
    ]


async def sync_calendars(tutor: User, calendar: CalendarService) -> CalendarSyncRead:
    """The session and busy calendars read from Google now; raises CalendarNotConnected."""
    view = await get_tutor(str(tutor.id))
    if view.calendar_status != CalendarStatus.CONNECTED:
        raise CalendarNotConnected(
            f"Calendar status: {view.calendar_status.value}. Connect your Google Calendar."
        )
    outcomes = await calendar.connect(tutor)
    read = {outcome.calendar_id for outcome in outcomes if outcome.ok}
    unread = {outcome.calendar_id for outcome in outcomes if not outcome.ok} - read
    after = await get_tutor(str(tutor.id))
    return CalendarSyncRead(
        synced=len(read),
        failed=len(unread),
        calendar_status=after.calendar_status,
        last_synced_at=after.last_synced_at,
    )
