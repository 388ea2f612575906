"""Health, readiness and metrics: what Cloud Run and Prometheus ask."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from tutorcal.errors import NotFound, ServiceUnavailable, problem_responses
from tutorcal.operations import service

router = APIRouter(tags=["operations"])

# Short, so that a hung database makes /readyz fail fast instead of piling up probes.
READINESS_TIMEOUT_SECONDS = 2.0


class HealthRead(BaseModel):
    status: str


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"
    default_detail = "The database does not answer."


@router.get("/healthz", response_model=HealthRead, summary="The process is alive")
async def healthz() -> HealthRead:
    # Deliberately touches neither the database nor Google: a database outage must not
    # make Cloud Run restart every instance.
    return HealthRead(status="ok")


@router.get(
    "/readyz",
    response_model=HealthRead,
    summary="The database answers",
    responses=problem_responses(DatabaseUnavailable),
)
async def readyz() -> HealthRead:
    try:
        await service.ping_database(READINESS_TIMEOUT_SECONDS)
    except Exception as exc:
        raise DatabaseUnavailable() from exc
    return HealthRead(status="ok")


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="404 when METRICS_PORT is set: the metrics are then served on "
    "127.0.0.1:METRICS_PORT only, off the public path.",
    response_class=Response,
    responses=problem_responses(NotFound),
)
async def metrics(request: Request) -> Response:
    if request.app.state.settings.metrics_port is not None:
        raise NotFound()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
