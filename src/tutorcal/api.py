"""The whole URL map in one place.

Routes are authenticated by their dependencies (``UserDep``, ``TutorDep``, ``AdminDep``);
the public ones are: health and metrics, sign-in (login and Google's callback), Google's
push notifications (checked by channel token) and the internal tasks (checked by their own
bearer or OIDC token).
"""

from __future__ import annotations

from fastapi import APIRouter

from tutorcal.admin.router import router as admin_router
from tutorcal.auth.router import router as auth_router
from tutorcal.availability.router import router as availability_router
from tutorcal.bookings.router import router as bookings_router
from tutorcal.google.router import router as google_router
from tutorcal.operations.router import router as operations_router
from tutorcal.tutoring_sessions.router import router as sessions_router
from tutorcal.tutors.router import router as tutors_router
from tutorcal.users.router import router as users_router

router = APIRouter()
router.include_router(operations_router)
router.include_router(auth_router)
router.include_router(users_router)
router.include_router(admin_router)
router.include_router(tutors_router)
router.include_router(availability_router)
router.include_router(sessions_router)
router.include_router(google_router)
router.include_router(bookings_router)
