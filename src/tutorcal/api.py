"""The whole URL map in one place.

Routes are authenticated by their dependencies (``UserDep``, ``TutorDep``, ``AdminDep``);
the public ones are: health and metrics, sign-in (login and Google's callback), Google's
push notifications (checked by channel token) and the internal tasks (checked by their own
bearer or OIDC token).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.routing import BaseRoute

from tutorcal.admin.router import router as admin_router
from tutorcal.auth.router import router as auth_router
from tutorcal.availability.router import router as availability_router
from tutorcal.bookings.router import router as bookings_router
from tutorcal.google.router import router as google_router
from tutorcal.operations.router import router as operations_router
from tutorcal.operations.router import tasks_router
from tutorcal.tutoring_sessions.router import router as sessions_router
from tutorcal.tutors.router import router as tutors_router
from tutorcal.users.router import router as users_router

ROUTERS: tuple[APIRouter, ...] = (
    operations_router,
    auth_router,
    users_router,
    admin_router,
    tutors_router,
    availability_router,
    sessions_router,
    google_router,
    tasks_router,
    bookings_router,
)


def routes() -> list[BaseRoute]:
    """Every route of every router, in order, for the app to mount as they are.

    Each router's decorators have already built its routes with the router's prefix, tags,
    responses and dependencies. ``include_router`` would build every one of them again for
    the app (all at once, to check a router included without a prefix) and again on each
    router's first request, which was a large part of start-up. Mounted as they are, they
    do not see ``app.dependency_overrides``; tests run the real dependencies.
    """
    return [route for router in ROUTERS for route in router.routes]
