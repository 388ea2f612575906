"""How sign-in and access fail, each with its HTTP status and stable code."""

from __future__ import annotations

from tutorcal.errors import AppError, BadRequest, Forbidden, NotAuthenticated, ServiceUnavailable


class InvalidState(BadRequest):
    code = "invalid_state"
    default_detail = (
        "The sign-in request is missing, tampered with, expired or already used. Start again."
    )


class FlowNotInThisBrowser(InvalidState):
    default_detail = (
        "This sign-in was not started in this browser, or its 10 minutes are up. Start again here."
    )


class InvalidCode(BadRequest):
    code = "invalid_code"
    default_detail = "Google refused the authorization code. Start the sign-in again."


class ConsentDenied(BadRequest):
    code = "consent_denied"
    default_detail = "Access was not granted on Google's consent screen."


class InvalidIdToken(NotAuthenticated):
    code = "invalid_id_token"
    default_detail = "Google's identity token could not be verified."


class DomainNotAllowed(Forbidden):
    code = "domain_not_allowed"
    default_detail = "This Google account's domain may not sign in here."


class EmailNotVerified(Forbidden):
    code = "email_not_verified"
    default_detail = "This Google account's email address is not verified."


class CalendarAccountMismatch(Forbidden):
    code = "calendar_account_mismatch"
    default_detail = "Connect the calendar of the Google account you signed in with."


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    default_detail = "Send the X-CSRF-Token header with the value of the tutorcal_csrf cookie."


class GoogleSignInUnavailable(ServiceUnavailable):
    code = "google_unavailable"
    default_detail = "Google's sign-in service cannot be reached. Try again in a minute."


SIGN_IN_ERRORS: tuple[type[AppError], ...] = (
    InvalidState,
    InvalidCode,
    ConsentDenied,
    InvalidIdToken,
    DomainNotAllowed,
    EmailNotVerified,
    CalendarAccountMismatch,
    GoogleSignInUnavailable,
)
