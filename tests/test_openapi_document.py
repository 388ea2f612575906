"""The OpenAPI document is the front end's reference: its errors and parameters say what the
API really answers and accepts."""

from __future__ import annotations

from typing import Any

import httpx2

PROBLEM_MEDIA_TYPE = "application/problem+json"


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


async def test_every_documented_error_is_problem_json(client: httpx2.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    for label, operation in operations(document):
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                assert list(answer["content"]) == [PROBLEM_MEDIA_TYPE], (label, status)
    assert "HTTPValidationError" not in document["components"]["schemas"]


async def test_validation_failed_is_documented_wherever_input_is_validated(
    client: httpx2.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    for label, operation in operations(document):
        if operation.get("parameters") or operation.get("requestBody"):
            assert "`validation_failed`" in operation["responses"]["422"]["description"], label


async def test_every_operation_that_uses_the_database_documents_its_503s(
    client: httpx2.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    described = {
        label: operation["responses"].get("503", {}).get("description", "")
        for label, operation in operations(document)
    }
    lacking = {
        label
        for label, codes in described.items()
        if "`database_busy`" not in codes or "`database_unavailable`" not in codes
    }
    assert lacking == {"GET /healthz", "GET /metrics"}  # the two that never touch it


async def test_no_parameter_is_documented_as_null(client: httpx2.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    for label, operation in operations(document):
        for parameter in operation.get("parameters", []):
            assert "null" not in str(parameter["schema"]), (label, parameter["name"])


async def test_authenticated_routes_name_their_credentials_and_public_ones_no_401(
    client: httpx2.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    assert set(document["components"]["securitySchemes"]) == {"api_token", "session"}
    paths = document["paths"]
    me = paths["/api/v1/me"]
    assert me["get"]["security"] == [{"api_token": []}, {"session": []}]
    assert "`csrf_failed`" in me["patch"]["responses"]["403"]["description"]
    assert "`request_too_large`" in me["patch"]["responses"]["413"]["description"]
    feed = paths["/api/v1/calendar-feed/{token}.ics"]["get"]
    assert "security" not in feed
    assert "401" not in feed["responses"]
    roles = paths["/api/v1/admin/users/{user_id}/roles"]["put"]["responses"]["422"]
    assert "`cannot_remove_own_admin`" in roles["description"]
