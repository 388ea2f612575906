"""Subjects, the tutor directory, and tutors' own settings."""

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
from tutorcal.google.grants import CalendarStatus, calendar_status
from tutorcal.google.models import GoogleGrant, GrantStatus, MirroredCalendar
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
    *,
    subject_id: str | None,
    query: str | None,
    limit: int,
    cursor: str | None,
    connected_only: bool = True,
) -> tuple[list[TutorView], str | None]:
    """Tutors, newest first; with ``connected_only``, those whose calendar is connected."""
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
