"""The audit trail names its actors, is filtered by action, actor and time, and lists its actions."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from tests.auth.test_sessions import signed_in
from tests.conftest import TEST_ADMIN
from tests.support.browser import Browser
from tests.support.emulator import EmulatorServer
from tutorcal.audit.models import AuditEntry
from tutorcal.audit.service import ACTIONS
from tutorcal.core.time import utcnow
from tutorcal.users.models import User

SOURCES = Path(__file__).parents[2] / "src" / "tutorcal"


def _recorded_actions() -> set[str]:
    """Every action the code passes to ``audit.record`` as a literal (or either of two)."""
    found: set[str] = set()
    for path in SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.args
            ):
                first = node.args[0]
                options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                found |= {o.value for o in options if isinstance(o, ast.Constant)}
    return found


def test_every_action_the_code_records_is_one_the_filter_offers() -> None:
    recorded = _recorded_actions()
    assert len(recorded) > 15
    assert recorded - set(ACTIONS) == set()


async def test_entries_name_their_actor_and_filter_by_action_actor_and_time(
    browser: Browser, other_browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(other_browser, emulator, "sam@school.example")
    await signed_in(browser, emulator, TEST_ADMIN)
    sam = await User.get(email="sam@school.example")
    admin = await User.get(email=TEST_ADMIN)
    await AuditEntry.filter(actor_id=str(sam.id)).update(created_at=utcnow() - timedelta(days=3))

    trail = (await browser.app.get("/api/v1/admin/audit")).json()["items"]
    assert [(e["action"], e["actor"]) for e in trail] == [
        ("sign_in", {"id": str(admin.id), "name": admin.name, "email": TEST_ADMIN}),
        ("sign_in", {"id": str(sam.id), "name": sam.name, "email": "sam@school.example"}),
    ]
    assert trail[0]["actor_id"] == str(admin.id)

    async def actors(**params: str) -> list[str]:
        answer = await browser.app.get("/api/v1/admin/audit", params=params)
        assert answer.status_code == 200, answer.text
        return [e["actor"]["email"] for e in answer.json()["items"]]

    two_days_ago = (utcnow() - timedelta(days=2)).isoformat()
    assert await actors(since=two_days_ago) == [TEST_ADMIN]
    assert await actors(until=two_days_ago) == ["sam@school.example"]
    assert await actors(actor_id=str(sam.id)) == ["sam@school.example"]
    assert await actors(actor_email="SAM@school.example") == ["sam@school.example"]
    assert await actors(actor_email="nobody@school.example") == []
    assert await actors(action="sign_in", since=two_days_ago) == [TEST_ADMIN]
    assert await actors(action="role_change") == []
    naive = await browser.app.get("/api/v1/admin/audit", params={"since": "2026-12-01T10:00:00"})
    assert naive.status_code == 422


async def test_an_unknown_action_is_422_listing_the_valid_ones(
    browser: Browser, emulator: EmulatorServer
) -> None:
    await signed_in(browser, emulator, TEST_ADMIN)
    refused = await browser.app.get("/api/v1/admin/audit", params={"action": "sign_inn"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "unknown_action"
    assert refused.json()["valid_actions"] == sorted(ACTIONS)
    assert "sign_in_refused" in refused.json()["detail"]

    listed = (await browser.app.get("/api/v1/admin/audit/actions")).json()
    assert [a["action"] for a in listed] == sorted(ACTIONS)
    assert all(a["description"] for a in listed)
