"""Google's push notifications."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Header, Response

from tutorcal.auth.dependencies import RuntimeDep
from tutorcal.errors import Forbidden, NotFound, problem_responses

logger = logging.getLogger("tutorcal.google.webhook")

router = APIRouter(prefix="/api/v1")


class UnknownChannel(NotFound):
    code = "unknown_channel"
    default_detail = "No live push channel has this id."


class ChannelTokenMismatch(Forbidden):
    code = "channel_token_mismatch"
    default_detail = "The channel token does not match."


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
