"""Forged calls to the two routes that Google, not a person, calls: the push webhook (checked by
channel id, token and resource id) and the internal tasks (a bearer secret or Google-signed OIDC
token). Refused, and nothing is synced or run."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.conftest import TEST_TUTOR
from tests.security.conftest import NewBrowser, client_for, serving
from tests.support.browser import Browser
from tests.support.calendar import connect_tutor, runtime_of
from tests.support.emulator import TEST_CLIENT_ID, EmulatorServer
from tests.support.oidc import scheduler_id_token
from tutorcal.config import Settings
from tutorcal.google.models import MirroredCalendar, WatchChannel
from tutorcal.outbox.models import TaskRun

WEBHOOK = "/api/v1/webhooks/google/calendar"
SCHEDULER = "scheduler@school.example"
OTHER_TUTOR = "tia.tutor@school.example"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "tutor_emails": [TEST_TUTOR, OTHER_TUTOR],
            "internal_task_oidc_audience": TEST_CLIENT_ID,
            "internal_task_service_account": SCHEDULER,
        }
    )


def push(channel: dict[str, Any], changes: dict[str, str | None] | None = None) -> dict[str, str]:
    """Google's headers for ``channel``, with ``changes`` applied (None drops a header)."""
    headers: dict[str, str | None] = {
        "X-Goog-Channel-ID": channel["id"],
        "X-Goog-Channel-Token": channel["token"],
        "X-Goog-Resource-ID": channel["resource_id"],
        "X-Goog-Resource-State": "exists",
        "X-Goog-Message-Number": "7",
        **(changes or {}),
    }
    return {name: value for name, value in headers.items() if value is not None}


async def test_forged_push_notifications_are_refused_and_sync_nothing(
    app: FastAPI,
    browser: Browser,
    emulator: EmulatorServer,
    new_browser: NewBrowser,
    client: httpx2.AsyncClient,
) -> None:
    await connect_tutor(app, browser, emulator)
    await connect_tutor(app, new_browser(), emulator, OTHER_TUTOR)
    live = {c["calendar_id"]: c for c in emulator.control("GET", "/channels")}
    tom, tia = live[TEST_TUTOR], live[OTHER_TUTOR]
    reads_before = emulator.calendar_calls("events.list")

    forged = {
        "no headers": {},
        "no channel id": push(tom, {"X-Goog-Channel-ID": None}),
        "unknown channel": push(tom, {"X-Goog-Channel-ID": "6f1c0f1e-0000-4000-8000-000000000000"}),
        "channel id not a uuid": push(
            tom, {"X-Goog-Channel-ID": "'; DROP TABLE watch_channels; --"}
        ),
        "no token": push(tom, {"X-Goog-Channel-Token": None}),
        "empty token": push(tom, {"X-Goog-Channel-Token": ""}),
        "wrong token": push(tom, {"X-Goog-Channel-Token": "guessed"}),
        "another channel's token": push(tom, {"X-Goog-Channel-Token": tia["token"]}),
        "another channel's resource": push(tom, {"X-Goog-Resource-ID": tia["resource_id"]}),
        "message number not a number": push(tom, {"X-Goog-Message-Number": "x"}),
        "negative message number": push(tom, {"X-Goog-Message-Number": "-1"}),
        "over-long channel id": push(tom, {"X-Goog-Channel-ID": "9" * 10_000}),
    }
    answers = {}
    for name, headers in forged.items():
        response = await client.post(WEBHOOK, headers=headers)
        answers[name] = (response.status_code, response.headers["content-type"])
    await runtime_of(app).calendar.background.wait_idle()

    refused = {name for name, (status, kind) in answers.items() if status in {403, 404, 422}}
    assert refused == set(forged), answers
    assert {kind for _, kind in answers.values()} == {"application/problem+json"}
    assert await MirroredCalendar.filter(sync_requested_at__isnull=False).count() == 0
    assert emulator.calendar_calls("events.list") == reads_before
    assert await WatchChannel.filter(last_message_number__isnull=False).count() == 0

    # The genuine notification, for contrast, is taken.
    assert (await client.post(WEBHOOK, headers=push(tom))).status_code == 200
    assert await MirroredCalendar.filter(sync_requested_at__isnull=False).count() == 1


def unsigned(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def tampered(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body = base64.urlsafe_b64encode(json.dumps({**claims, **changes}).encode()).rstrip(b"=")
    return f"{header}.{body.decode()}.{signature}"


async def task_answers(http: httpx2.AsyncClient, credentials: dict[str, str]) -> dict[str, int]:
    return {
        name: (
            await http.post("/api/v1/internal/tasks/sync", headers={"Authorization": value})
        ).status_code
        for name, value in credentials.items()
    }


async def test_internal_tasks_refuse_missing_forged_and_foreign_tokens_and_run_nothing(
    app: FastAPI, emulator: EmulatorServer, client: httpx2.AsyncClient, settings: Settings
) -> None:
    genuine = scheduler_id_token(emulator, SCHEDULER)
    claims = json.loads(base64.urlsafe_b64decode(genuine.split(".")[1] + "=="))
    secret = settings.internal_task_token
    assert secret is not None
    hs256 = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(secret.get_secret_value()))
    credentials = {
        "empty": "",
        "scheme only": "Bearer ",
        "basic": f"Basic {base64.b64encode(b'scheduler:secret').decode()}",
        "unsigned": f"Bearer {unsigned(claims)}",
        "signed with the bearer secret": f"Bearer {hs256}",
        "claims changed after signing": f"Bearer {tampered(genuine, email=SCHEDULER, exp=4102444800)}",
        "another account's token": f"Bearer {scheduler_id_token(emulator, 'intruder@school.example')}",
        "the secret with a suffix": f"Bearer {secret.get_secret_value()}x",
        "injection": "Bearer ' OR 1=1 --",
    }

    answers = await task_answers(client, credentials)

    assert set(answers.values()) == {401}, answers
    assert await TaskRun.all().count() == 0
    # For contrast: the genuine token runs the task.
    assert (await task_answers(client, {"genuine": f"Bearer {genuine}"})) == {"genuine": 200}


async def test_a_google_signed_token_for_another_audience_is_refused(
    settings: Settings, emulator: EmulatorServer
) -> None:
    # The emulator's tokens are for the sign-in client; this deployment expects its own URL.
    other_audience = settings.model_copy(
        update={"internal_task_oidc_audience": "https://tutorcal.example/internal"}
    )
    token = scheduler_id_token(emulator, SCHEDULER)
    async with serving(other_audience) as app, client_for(app) as http:
        answers = await task_answers(http, {"right account, wrong audience": f"Bearer {token}"})
        assert answers == {"right account, wrong audience": 401}
        assert await TaskRun.all().count() == 0
