"""How booking fails, each with its HTTP status and stable code."""

from __future__ import annotations

from tutorcal.errors import Conflict, Forbidden, NotFound, Unprocessable


class BookingNotFound(NotFound):
    default_detail = "There is no such booking."


class SessionFull(Conflict):
    code = "session_full"
    default_detail = "Every seat in this session is taken."


class SlotTaken(Conflict):
    code = "slot_taken"
    default_detail = "This time is no longer free."


class StudentConflict(Conflict):
    code = "student_conflict"
    default_detail = "You already have a booking at this time."


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_detail = "You already have a seat in this session."


class AlreadyCancelled(Conflict):
    code = "already_cancelled"
    default_detail = "This booking is cancelled already."


class MinimumNotice(Unprocessable):
    code = "min_notice"
    default_detail = "This starts too soon to book; the tutor asks for more notice."


class BeyondHorizon(Unprocessable):
    code = "beyond_horizon"
    default_detail = "This is further ahead than the tutor takes bookings."


class WeeklyLimit(Unprocessable):
    code = "weekly_limit"
    default_detail = "You have reached this tutor's weekly limit of bookings."


class OutsideAvailability(Unprocessable):
    code = "outside_availability"
    default_detail = "The tutor is not available at this time."


class OwnSession(Unprocessable):
    code = "own_session"
    default_detail = "Tutors cannot book themselves."


class CancelWindowPassed(Unprocessable):
    code = "cancel_window_passed"
    default_detail = "It is too late to cancel this booking; contact the tutor."


class RescheduleWindowPassed(Unprocessable):
    code = "reschedule_window_passed"
    default_detail = "It is too late to move this booking; contact the tutor."


class RescheduleToAnotherTutor(Forbidden):
    code = "reschedule_to_another_tutor"
    default_detail = (
        "A tutor moves bookings only within their own sessions and slots; "
        "the student, or an admin, can move it to another tutor."
    )


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    default_detail = "A request with this Idempotency-Key is still being processed."


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used with a different request body."
