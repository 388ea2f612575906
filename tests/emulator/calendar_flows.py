"""Talking to the emulated Calendar API as a client of Google would: a real access token from
the code flow, then bearer-authenticated JSON over HTTP."""

from __future__ import annotations

from typing import Any

import httpx2

from .flows import tokens_for

CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"
CALENDAR_READONLY = "https://www.googleapis.com/auth/calendar.readonly"
TUTORCAL_SCOPES = f"openid email {CALENDAR_EVENTS} {CALENDAR_READONLY}"
THEO = "theo@demo.tutorcal.test"
SOFIA = "sofia@demo.tutorcal.test"
STEFAN = "stefan@demo.tutorcal.test"


def access_token(http: httpx2.Client, email: str, scope: str = TUTORCAL_SCOPES) -> str:
    token: str = tokens_for(http, email, scope=scope)["access_token"]
    return token


def calendar_client(base_url: str, token: str) -> httpx2.Client:
    return httpx2.Client(
        base_url=f"{base_url}/calendar/v3", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )


def event_body(summary: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
    return {"summary": summary, "start": {"dateTime": start}, "end": {"dateTime": end}, **fields}


def reason(response: httpx2.Response) -> str:
    value: str = response.json()["error"]["errors"][0]["reason"]
    return value


def list_all(
    api: httpx2.Client, calendar_id: str = "primary", **params: Any
) -> tuple[list[dict[str, Any]], str]:
    """Every page of events.list; returns the items and the last page's nextSyncToken."""
    items: list[dict[str, Any]] = []
    page_token: str | None = None
    while True:
        query = {**params, **({"pageToken": page_token} if page_token else {})}
        response = api.get(f"/calendars/{calendar_id}/events", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        page_token = body.get("nextPageToken")
        if page_token is None:
            token: str = body["nextSyncToken"]
            return items, token
        assert "nextSyncToken" not in body
