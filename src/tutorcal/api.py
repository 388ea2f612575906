"""The whole URL map in one place.

Routes are authenticated by their dependencies (``UserDep``, ``TutorDep``, ``AdminDep``);
the public ones are: health and metrics, sign-in (login and Google's callback).
"""

from __future__ import annotations

from fastapi import APIRouter

from tutorcal.admin.router import router as admin_router
from tutorcal.auth.router import router as auth_router
from tutorcal.operations.router import router as operations_router
from tutorcal.users.router import router as users_router

router = APIRouter()
router.include_router(operations_router)
router.include_router(auth_router)
router.include_router(users_router)
router.include_router(admin_router)
