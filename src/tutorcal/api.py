"""The whole URL map in one place."""

from __future__ import annotations

from fastapi import APIRouter

from tutorcal.operations.router import router as operations_router

router = APIRouter()
router.include_router(operations_router)
