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


async def test_no_parameter_is_documented_as_null(client: httpx2.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    for label, operation in operations(document):
        for parameter in operation.get("parameters", []):
            assert "null" not in str(parameter["schema"]), (label, parameter["name"])
