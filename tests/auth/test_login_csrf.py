"""A sign-in completes only in the browser that started it (no login CSRF).

An attacker who starts signing in to their own account and stops at Google's redirect holds
a valid callback URL; sent to a victim, it must not sign the victim in as the attacker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie

import httpx2

from tests.support.browser import Browser
from tests.support.cleanup import empty_tables
from tests.support.emulator import EmulatorServer, query_of
from tutorcal.config import Settings
from tutorcal.main import create_app

ATTACKER = "mallory@school.example"
VICTIM = "sam@school.example"


def flow_cookies(response: httpx2.Response) -> dict[str, SimpleCookie]:
    """The sign-in flow cookies a response sets, by name."""
    found: dict[str, SimpleCookie] = {}
    for header in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        found.update({name: cookie for name in cookie if "tutorcal_oauth_" in name})
    return found


async def stopped_at_callback(browser: Browser, emulator: EmulatorServer, email: str) -> str:
    """A sign-in taken as far as Google's redirect back: the callback path, not yet opened."""
    emulator.add_user(email)
    google = await browser.to_google("/api/v1/auth/google/login", login_hint=email)
    return browser.consent(google)


def assert_refused_without_cookies(response: httpx2.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_state"
    assert "set-cookie" not in response.headers


async def test_a_callback_url_from_someone_elses_sign_in_signs_nobody_in(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(VICTIM)
    assert (await other_browser.sign_in(VICTIM)).status_code == 303
    attackers_callback = await stopped_at_callback(browser, emulator, ATTACKER)

    assert_refused_without_cookies(await other_browser.callback(attackers_callback))

    me = await other_browser.app.get("/api/v1/me")
    assert me.status_code == 200  # the victim's own session is not revoked either
    assert me.json()["email"] == VICTIM
    # The victim's click did not use the flow up: it was never theirs to use.
    assert (await browser.callback(attackers_callback)).status_code == 303
    assert (await browser.app.get("/api/v1/me")).json()["email"] == ATTACKER


async def test_a_callback_carrying_another_flows_cookie_is_refused(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    attackers_callback = await stopped_at_callback(browser, emulator, ATTACKER)
    emulator.add_user(VICTIM)
    own = await other_browser.app.get("/api/v1/auth/google/login", params={"login_hint": VICTIM})
    (own_cookie,) = flow_cookies(own).values()
    (own_key,) = (morsel.value for morsel in own_cookie.values())
    attackers_cookie_name = next(iter(browser.app.cookies.keys()))
    other_browser.app.cookies.set(attackers_cookie_name, own_key)

    assert_refused_without_cookies(await other_browser.callback(attackers_callback))
    assert (await other_browser.app.get("/api/v1/me")).status_code == 401


async def test_two_sign_ins_started_in_two_tabs_both_complete(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(VICTIM)
    first_tab = await browser.to_google(
        "/api/v1/auth/google/login", login_hint=VICTIM, next="/first"
    )
    second_tab = await browser.to_google(
        "/api/v1/auth/google/login", login_hint=VICTIM, next="/second"
    )

    second = await browser.callback(browser.consent(second_tab))
    first = await browser.callback(browser.consent(first_tab))

    assert (second.status_code, second.headers["location"]) == (303, "/second")
    assert (first.status_code, first.headers["location"]) == (303, "/first")
    assert (await browser.app.get("/api/v1/me")).json()["email"] == VICTIM


async def test_the_flow_cookie_is_http_only_lax_and_short_lived_and_gone_after_use(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(VICTIM)
    started = await browser.app.get("/api/v1/auth/google/login", params={"login_hint": VICTIM})
    ((name, cookie),) = flow_cookies(started).items()
    morsel = cookie[name]
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "lax"
    assert morsel["path"] == "/"
    assert morsel["max-age"] == "600"
    assert not morsel["secure"]  # plain http in local development

    finished = await browser.callback(browser.consent(started.headers["location"]))

    assert finished.status_code == 303
    assert flow_cookies(finished)[name][name]["max-age"] == "0"
    assert name not in browser.app.cookies


async def test_connecting_a_calendar_is_bound_to_the_browser_too(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user(VICTIM)
    emulator.add_user(ATTACKER)
    await other_browser.sign_in(VICTIM)
    await browser.sign_in(ATTACKER)
    connect = browser.consent(await browser.to_google("/api/v1/auth/google/connect-calendar"))
    assert query_of(connect)["state"]

    assert_refused_without_cookies(await other_browser.callback(connect))
    assert (await browser.callback(connect)).status_code == 303


@asynccontextmanager
async def https_app(settings: Settings) -> AsyncIterator[httpx2.AsyncClient]:
    application = create_app(settings.model_copy(update={"public_base_url": "https://tc.example"}))
    async with application.router.lifespan_context(application):
        transport = httpx2.ASGITransport(app=application)
        async with httpx2.AsyncClient(transport=transport, base_url="https://tc.example") as http:
            yield http
        await empty_tables()


async def test_over_https_the_flow_cookie_is_host_prefixed_and_secure(settings: Settings) -> None:
    async with https_app(settings) as https:
        started = await https.get("/api/v1/auth/google/login", params={"login_hint": VICTIM})
        ((name, cookie),) = flow_cookies(started).items()
        assert name.startswith("__Host-tutorcal_oauth_")
        assert cookie[name]["secure"] is True
        assert cookie[name]["path"] == "/"
