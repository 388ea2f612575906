from __future__ import annotations

import httpx2


async def test_healthz_answers_without_touching_the_database(client: httpx2.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_200_when_the_database_answers(client: httpx2.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200


async def test_every_response_carries_a_generated_request_id(client: httpx2.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert len(first.headers["x-request-id"]) >= 16
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_the_callers_request_id_is_echoed_back(client: httpx2.AsyncClient) -> None:
    response = await client.get("/nowhere", headers={"X-Request-ID": "front-end-42"})
    assert response.headers["x-request-id"] == "front-end-42"


async def test_a_request_id_with_unsafe_characters_is_replaced(client: httpx2.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "a\tb<script>"})
    assert response.headers["x-request-id"] != "a\tb<script>"


async def test_metrics_count_requests_by_route_template_and_status(
    client: httpx2.AsyncClient,
) -> None:
    await client.get("/healthz")
    await client.get("/api/v1/no/such/page/12345")
    text = (await client.get("/metrics")).text
    assert 'tutorcal_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'route="unmatched",status="404"' in text
    assert "/no/such/page/12345" not in text
    assert "tutorcal_http_request_duration_seconds_bucket" in text
