"""Health, readiness and metrics (what Cloud Run and Prometheus ask), and the periodic tasks
Cloud Scheduler (or a worker) triggers."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from tutorcal.auth.dependencies import RuntimeDep
from tutorcal.core.crypto import same_secret
from tutorcal.errors import NotAuthenticated, NotFound, ServiceUnavailable, problem_responses
from tutorcal.google.oauth import GoogleUnavailable, IdTokenInvalid
from tutorcal.operations import service
from tutorcal.operations.tasks import PERIODIC_TASKS, TASKS_BY_NAME, TaskName
from tutorcal.outbox import service as outbox
from tutorcal.runtime import Runtime

# The name the task-token warning has always been logged under (it lived beside the webhook).
logger = logging.getLogger("tutorcal.google.webhook")

router = APIRouter(tags=["operations"])
# Listed in api.py right after the Google router, where these routes were: the URL map and
# the OpenAPI document keep their order.
tasks_router = APIRouter(prefix="/api/v1")

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


class InternalTaskRefused(NotAuthenticated):
    code = "not_authenticated"
    default_detail = (
        "Send Authorization: Bearer <INTERNAL_TASK_TOKEN> or a Google-signed OIDC token."
    )


class TaskResult(BaseModel):
    task: str
    duplicate: bool = False
    result: dict[str, Any] = {}


async def _check_task_caller(runtime: Runtime, authorization: str | None) -> None:
    scheme, _, credential = (authorization or "").partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise InternalTaskRefused()
    settings = runtime.settings
    if settings.internal_task_token and same_secret(
        credential, settings.internal_task_token.get_secret_value()
    ):
        return
    if settings.internal_task_oidc_audience and settings.internal_task_service_account:
        try:
            await runtime.oauth.verify_service_token(
                credential,
                audience=settings.internal_task_oidc_audience,
                email=settings.internal_task_service_account,
            )
            return
        except (IdTokenInvalid, GoogleUnavailable) as exc:
            logger.warning("internal task token refused: %s", exc)
    raise InternalTaskRefused()


@tasks_router.post(
    "/internal/tasks/{task}",
    response_model=TaskResult,
    tags=["operations"],
    summary="Run a periodic task now (Cloud Scheduler)",
    description=" ".join(f"`{task.name}`: {task.summary}." for task in PERIODIC_TASKS)
    + " Runs to completion. A repeated Cloud Scheduler delivery (same "
    "`X-CloudScheduler-ScheduleTime`) is answered without running again.",
    responses=problem_responses(InternalTaskRefused, NotFound),
)
async def run_task(
    task: TaskName,
    request: Request,
    runtime: RuntimeDep,
    authorization: Annotated[str | None, Header()] = None,
    schedule_time: Annotated[
        str | None, Header(alias="X-CloudScheduler-ScheduleTime", max_length=64)
    ] = None,
) -> TaskResult:
    await _check_task_caller(runtime, authorization)
    if schedule_time and not await outbox.claim_task_run(task, schedule_time):
        return TaskResult(task=task, duplicate=True)
    result = await TASKS_BY_NAME[task].run(runtime)
    return TaskResult(task=task, result=result)
