"""Google's push notifications, and the periodic tasks Cloud Scheduler (or a worker) triggers."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel

from tutorcal.auth.dependencies import RuntimeDep
from tutorcal.core.crypto import same_secret
from tutorcal.errors import Forbidden, NotAuthenticated, NotFound, problem_responses
from tutorcal.google.oauth import GoogleUnavailable, IdTokenInvalid
from tutorcal.operations.tasks import PERIODIC_TASKS, TASKS_BY_NAME, TaskName
from tutorcal.outbox import service as outbox
from tutorcal.runtime import Runtime

logger = logging.getLogger("tutorcal.google.webhook")

router = APIRouter(prefix="/api/v1")


class UnknownChannel(NotFound):
    code = "unknown_channel"
    default_detail = "No live push channel has this id."


class ChannelTokenMismatch(Forbidden):
    code = "channel_token_mismatch"
    default_detail = "The channel token does not match."


class InternalTaskRefused(NotAuthenticated):
    code = "not_authenticated"
    default_detail = (
        "Send Authorization: Bearer <INTERNAL_TASK_TOKEN> or a Google-signed OIDC token."
    )


@router.post(
    "/webhooks/google/calendar",
    status_code=200,
    tags=["google"],
    summary="Google Calendar push notification (headers only)",
    description="Checked against the channel id and its secret token; then a sync of that calendar "
    "is requested and the answer goes back at once.",
    responses=problem_responses(UnknownChannel, ChannelTokenMismatch),
)
async def calendar_notification(
    runtime: RuntimeDep,
    channel_id: Annotated[str, Header(alias="X-Goog-Channel-ID", max_length=64)],
    resource_state: Annotated[str, Header(alias="X-Goog-Resource-State", max_length=32)] = "exists",
    channel_token: Annotated[
        str | None, Header(alias="X-Goog-Channel-Token", max_length=256)
    ] = None,
    resource_id: Annotated[str | None, Header(alias="X-Goog-Resource-ID", max_length=255)] = None,
    message_number: Annotated[int | None, Header(alias="X-Goog-Message-Number", ge=0)] = None,
) -> Response:
    verdict, channel = await runtime.calendar.check_notification(
        channel_id, channel_token, resource_id
    )
    if not verdict.known or channel is None:
        raise UnknownChannel()
    if not verdict.authentic:
        logger.warning("push notification with a wrong token for channel %s", channel_id)
        raise ChannelTokenMismatch()
    if resource_state == "sync":  # only announces a new channel; nothing changed
        return Response(status_code=200)
    if runtime.calendar.absorbed(channel):
        return Response(status_code=200)
    if await runtime.calendar.is_new_message(channel, message_number):
        await runtime.calendar.notified(channel)
    return Response(status_code=200)


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


@router.post(
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
