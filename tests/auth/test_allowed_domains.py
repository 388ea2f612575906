"""ALLOWED_EMAIL_DOMAINS: only a school's Workspace accounts sign in."""

from __future__ import annotations

import pytest

from tests.support.browser import Browser
from tests.support.emulator import EmulatorServer
from tutorcal.config import Settings
from tutorcal.users.models import User


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"allowed_email_domains": ["school.example"]})


async def test_an_account_of_the_schools_workspace_signs_in(
    browser: Browser, emulator: EmulatorServer
) -> None:
    emulator.add_user("sam@school.example", hd="school.example")
    assert (await browser.sign_in("sam@school.example")).status_code == 303


@pytest.mark.parametrize(
    ("email", "hosted_domain"),
    [
        ("eve@gmail.com", None),  # a consumer account
        ("eve@other.example", "other.example"),  # another Workspace
        ("eve@school.example", None),  # the school's address, but not a Workspace account
        ("eve@other.example", "school.example"),  # Workspace says school, the email does not
    ],
)
async def test_any_other_account_is_refused(
    browser: Browser, emulator: EmulatorServer, email: str, hosted_domain: str | None
) -> None:
    emulator.add_user(email, hd=hosted_domain)
    response = await browser.sign_in(email)
    assert response.status_code == 403
    assert response.json()["code"] == "domain_not_allowed"
    assert "set-cookie" not in response.headers
    assert await User.filter(email=email).count() == 0
