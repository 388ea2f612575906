"""An async Google Calendar API v3 client over one shared httpx2 pool.

Retries (tenacity) with full-jitter exponential backoff on 429, on 403 rate-limit reasons,
on 5xx and on dropped connections, bounded in attempts and total time; one token refresh
on 401; every list call follows ``nextPageToken`` to the end.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from tutorcal.core.metrics import GOOGLE_CALLS
from tutorcal.google.calendar_errors import (
    CalendarApiError,
    CalendarRateLimited,
    ServerError,
    Unauthorized,
    Unreachable,
    error_from_response,
)
from tutorcal.google.calendar_types import (
    BusyPeriod,
    CalendarListEntry,
    CalendarListPage,
    Channel,
    Event,
    EventsPage,
)

if TYPE_CHECKING:
    import httpx2

logger = logging.getLogger("tutorcal.google.calendar")

TokenSource = Callable[[bool], Awaitable[str]]
"""Returns an access token; called with ``True`` to force a refresh after a 401."""


class RetryPolicy(NamedTuple):
    attempts: int = 6
    base_seconds: float = 1.0
    max_wait_seconds: float = 32.0
    total_seconds: float = 60.0


class FullSyncPage(NamedTuple):
    events: list[Event]
    next_sync_token: str | None
    time_zone: str | None


def _quote(identifier: str) -> str:
    return quote(identifier, safe="")


class CalendarClient:
    """Google Calendar for one user; cheap to create per use, sharing the process's pool."""

    def __init__(
        self, http: httpx2.AsyncClient, base_url: str, token_source: TokenSource, retry: RetryPolicy
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._token_source = token_source
        self._retry = retry

    async def _request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        # Imported on first use, like the HTTP pool: start-up does not need them.
        from tenacity import (
            AsyncRetrying,
            retry_if_exception_type,
            stop_after_attempt,
            stop_after_delay,
            wait_random_exponential,
        )

        retrying = AsyncRetrying(
            retry=retry_if_exception_type((CalendarRateLimited, ServerError, Unreachable)),
            wait=wait_random_exponential(
                multiplier=self._retry.base_seconds, max=self._retry.max_wait_seconds
            ),
            stop=stop_after_attempt(self._retry.attempts)
            | stop_after_delay(self._retry.total_seconds),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._send_with_refresh(method, path, operation, params, json, headers)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_with_refresh(
        self,
        method: str,
        path: str,
        operation: str,
        params: dict[str, Any] | None,
        json: dict[str, Any] | None,
        headers: dict[str, str] | None,
    ) -> Any:
        try:
            return await self._send(method, path, operation, params, json, headers, refresh=False)
        except Unauthorized:
            # The cached token died early (revoked session, clock skew): refresh once.
            return await self._send(method, path, operation, params, json, headers, refresh=True)

    async def _send(
        self,
        method: str,
        path: str,
        operation: str,
        params: dict[str, Any] | None,
        json: dict[str, Any] | None,
        headers: dict[str, str] | None,
        *,
        refresh: bool,
    ) -> Any:
        import httpx2

        token = await self._token_source(refresh)
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        try:
            response = await self._http.request(
                method, f"{self._base_url}{path}", params=params, json=json, headers=all_headers
            )
        except httpx2.TransportError as exc:
            GOOGLE_CALLS.labels(method=operation, outcome="unreachable").inc()
            raise Unreachable(f"{operation}: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = None
            error = error_from_response(response.status_code, body)
            GOOGLE_CALLS.labels(method=operation, outcome=type(error).__name__).inc()
            raise error
        GOOGLE_CALLS.labels(method=operation, outcome="ok").inc()
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def list_calendars(self) -> list[CalendarListEntry]:
        entries: list[CalendarListEntry] = []
        page_token: str | None = None
        while True:
            params = {"maxResults": 250, **({"pageToken": page_token} if page_token else {})}
            page = CalendarListPage.model_validate(
                await self._request(
                    "GET", "/users/me/calendarList", operation="calendarList.list", params=params
                )
            )
            entries.extend(page.items)
            if not page.next_page_token:
                return entries
            page_token = page.next_page_token

    async def _event_pages(
        self, calendar_id: str, params: dict[str, Any]
    ) -> AsyncIterator[EventsPage]:
        page_token: str | None = None
        while True:
            query = {**params, **({"pageToken": page_token} if page_token else {})}
            page = EventsPage.model_validate(
                await self._request(
                    "GET",
                    f"/calendars/{_quote(calendar_id)}/events",
                    operation="events.list",
                    params=query,
                )
            )
            yield page
            if not page.next_page_token:
                return
            page_token = page.next_page_token

    async def list_events(
        self,
        calendar_id: str,
        *,
        time_min: datetime | None = None,
        time_max: datetime | None = None,
        sync_token: str | None = None,
    ) -> FullSyncPage:
        """All events (instances of recurring ones expanded), every page.

        With ``sync_token`` only what changed since, deleted events included; Google forbids
        time bounds then. Raises SyncTokenExpired (410) when the token is no longer valid.
        """
        params: dict[str, Any] = {"singleEvents": "true", "maxResults": 2500, "showDeleted": "true"}
        if sync_token:
            params["syncToken"] = sync_token
        else:
            if time_min:
                params["timeMin"] = time_min.isoformat()
            if time_max:
                params["timeMax"] = time_max.isoformat()
        events: list[Event] = []
        next_sync_token: str | None = None
        time_zone: str | None = None
        async for page in self._event_pages(calendar_id, params):
            events.extend(page.items)
            next_sync_token = page.next_sync_token or next_sync_token
            time_zone = page.time_zone or time_zone
        return FullSyncPage(events, next_sync_token, time_zone)

    async def get_event(self, calendar_id: str, event_id: str) -> Event:
        return Event.model_validate(
            await self._request(
                "GET",
                f"/calendars/{_quote(calendar_id)}/events/{_quote(event_id)}",
                operation="events.get",
            )
        )

    async def insert_event(
        self,
        calendar_id: str,
        body: dict[str, Any],
        *,
        send_updates: str = "all",
        with_meet: bool = False,
    ) -> Event:
        params = {
            "sendUpdates": send_updates,
            **({"conferenceDataVersion": 1} if with_meet else {}),
        }
        return Event.model_validate(
            await self._request(
                "POST",
                f"/calendars/{_quote(calendar_id)}/events",
                operation="events.insert",
                params=params,
                json=body,
            )
        )

    async def update_event(
        self, calendar_id: str, event: Event, *, send_updates: str = "all"
    ) -> Event:
        """A full update guarded by the event's etag: raises PreconditionFailed (412) if it changed."""
        headers = {"If-Match": event.etag} if event.etag else {}
        return Event.model_validate(
            await self._request(
                "PUT",
                f"/calendars/{_quote(calendar_id)}/events/{_quote(event.id)}",
                operation="events.update",
                params={"sendUpdates": send_updates},
                json=event.to_body(),
                headers=headers,
            )
        )

    async def patch_event(
        self,
        calendar_id: str,
        event_id: str,
        body: dict[str, Any],
        *,
        etag: str | None = None,
        send_updates: str = "all",
    ) -> Event:
        headers = {"If-Match": etag} if etag else {}
        return Event.model_validate(
            await self._request(
                "PATCH",
                f"/calendars/{_quote(calendar_id)}/events/{_quote(event_id)}",
                operation="events.patch",
                params={"sendUpdates": send_updates},
                json=body,
                headers=headers,
            )
        )

    async def delete_event(
        self, calendar_id: str, event_id: str, *, send_updates: str = "all"
    ) -> None:
        await self._request(
            "DELETE",
            f"/calendars/{_quote(calendar_id)}/events/{_quote(event_id)}",
            operation="events.delete",
            params={"sendUpdates": send_updates},
        )

    async def free_busy(
        self, calendar_ids: list[str], time_min: datetime, time_max: datetime
    ) -> dict[str, list[BusyPeriod]]:
        body = {
            "timeMin": time_min.isoformat(),
            "timeMax": time_max.isoformat(),
            "items": [{"id": calendar_id} for calendar_id in calendar_ids],
        }
        answer = await self._request("POST", "/freeBusy", operation="freebusy.query", json=body)
        calendars = answer.get("calendars", {}) if isinstance(answer, dict) else {}
        result: dict[str, list[BusyPeriod]] = {}
        for calendar_id in calendar_ids:
            entry = calendars.get(calendar_id, {})
            if entry.get("errors"):
                raise CalendarApiError(
                    403, str(entry["errors"][0].get("reason", "notFound")), calendar_id
                )
            result[calendar_id] = [
                BusyPeriod.model_validate(period) for period in entry.get("busy", [])
            ]
        return result

    async def watch_events(
        self, calendar_id: str, *, channel_id: str, token: str, address: str, expiration_ms: int
    ) -> Channel:
        body = {
            "id": channel_id,
            "type": "web_hook",
            "address": address,
            "token": token,
            "expiration": expiration_ms,
        }
        return Channel.model_validate(
            await self._request(
                "POST",
                f"/calendars/{_quote(calendar_id)}/events/watch",
                operation="events.watch",
                json=body,
            )
        )

    async def stop_channel(self, channel_id: str, resource_id: str) -> None:
        await self._request(
            "POST",
            "/channels/stop",
            operation="channels.stop",
            json={"id": channel_id, "resourceId": resource_id},
        )
