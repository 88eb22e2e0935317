"""The HTTP surface: error bodies for 404/405/422/500, request ids, CORS, OpenAPI, health."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from fastapi import FastAPI

from gridtokenx.gateway.deps import PUBLIC_ROUTES, current_principal
from gridtokenx.gateway.errors import GatewayError
from gridtokenx.gateway.logs import JsonFormatter, request_id_var
from tests.gateway.routes import api_routes, depends_on

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

ERROR_KEYS = {"code", "message", "details"}


async def test_unknown_route_answers_404_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == ERROR_KEYS


async def test_wrong_method_answers_405_method_not_allowed(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/health")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b'{"address": 5}', {"content-type": "application/json"}),
        (b'{"address": "not base58!"}', {"content-type": "application/json"}),
        (b'{"unknown": 1}', {"content-type": "application/json"}),
        (b"{not json", {"content-type": "application/json"}),
        (b"[]", {"content-type": "application/json"}),
    ],
)
async def test_bad_bodies_answer_422_validation_failed(
    client: httpx.AsyncClient, content: bytes, headers: dict[str, str]
) -> None:
    response = await client.post("/v1/auth/nonce", content=content, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "validation_failed"
    assert body["details"]["errors"]
    assert set(body["details"]["errors"][0]) == {"location", "message", "type"}


async def test_an_unexpected_error_answers_500_without_internals(
    app: FastAPI, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode() -> None:
        raise RuntimeError("secret database password in this message")

    app.add_api_route("/v1/test-explode", explode)
    with caplog.at_level(logging.ERROR, logger="gridtokenx.gateway.access"):
        response = await client.get("/v1/test-explode", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    assert set(body) == ERROR_KEYS
    assert "secret" not in response.text
    assert body["details"] == {"request_id": "trace-500"}
    assert response.headers["x-request-id"] == "trace-500"
    assert any(
        "secret database password" in record.exc_text
        for record in caplog.records
        if record.exc_text
    )


async def test_a_sane_request_id_is_echoed_and_others_are_replaced(
    client: httpx.AsyncClient,
) -> None:
    given = await client.get("/v1/version", headers={"X-Request-ID": "web-1234.abc:9"})
    assert given.headers["x-request-id"] == "web-1234.abc:9"
    for insane in (b"has space", b"x" * 129, "\u00fcn\u00efcode".encode(), b"a\tb", b"<script>"):
        replaced = await client.get("/v1/version", headers={b"X-Request-ID": insane})
        generated = replaced.headers["x-request-id"]
        assert generated.encode() != insane
        assert len(generated) == 32
    first = (await client.get("/v1/version")).headers["x-request-id"]
    second = (await client.get("/v1/version")).headers["x-request-id"]
    assert first != second


async def test_the_access_log_is_json_with_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gridtokenx.gateway.access"):
        await client.get("/v1/version", headers={"X-Request-ID": "log-me"})
    record = next(r for r in caplog.records if getattr(r, "path", None) == "/v1/version")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "log-me"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["logger"] == "gridtokenx.gateway.access"
    assert isinstance(line["duration_ms"], float)


def test_log_lines_inside_a_request_carry_its_id() -> None:
    record = logging.makeLogRecord({"msg": "inside", "levelname": "INFO", "name": "x"})
    token = request_id_var.set("ctx-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "ctx-1"
    assert "request_id" not in json.loads(JsonFormatter().format(record))


async def test_health_checks_postgres_and_redis(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "postgres": "ok",
        "redis": "ok",
        "features_off": [],
        "features_reduced": [],
    }


async def test_cors_allows_exactly_the_configured_origins(client: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = await client.options(
        "/v1/auth/nonce", headers={"Origin": "http://127.0.0.1:3000", **preflight}
    )
    assert allowed.headers["access-control-allow-origin"] == "http://127.0.0.1:3000"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    for origin in ("http://127.0.0.1:3002", "http://127.0.0.1:30001", "https://127.0.0.1:3000"):
        refused = await client.options("/v1/auth/nonce", headers={"Origin": origin, **preflight})
        assert "access-control-allow-origin" not in refused.headers


def test_every_route_is_public_by_list_or_needs_a_principal() -> None:
    routes = api_routes()
    assert routes
    for method, path, route in routes:
        public = (method, path) in PUBLIC_ROUTES
        assert public != depends_on(route, current_principal), f"{method} {path}"
    assert {(method, path) for method, path, _ in routes} >= PUBLIC_ROUTES


def test_openapi_lists_every_route_with_typed_errors(app: FastAPI) -> None:
    document = app.openapi()
    assert document["openapi"].startswith("3.1")
    operations = {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    routes = {(method, path) for method, path, _ in api_routes()}
    assert set(operations) == routes
    error_ref = "#/components/schemas/ErrorBody"
    assert document["components"]["schemas"]["ErrorBody"]["required"] == ["code", "message"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for key, operation in operations.items():
        responses = operation["responses"]
        assert "500" in responses, key
        for status, response in responses.items():
            if status.startswith(("4", "5")) and key != ("GET", "/v1/health"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": error_ref}, (key, status)
        if key not in PUBLIC_ROUTES:
            assert {"401", "403"} <= set(responses), key
            assert operation["security"] == [{"HTTPBearer": []}], key
        has_input = operation.get("parameters") or operation.get("requestBody")
        if has_input:
            assert "422" in responses, key


def test_every_gateway_error_code_is_unique_per_class() -> None:
    seen: dict[str, type[GatewayError]] = {}
    pending: list[type[GatewayError]] = [GatewayError]
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        if "code" not in vars(kind):
            continue  # a narrower kind of its parent's error, with the parent's code
        if kind.code in seen and seen[kind.code] is not kind:
            pytest.fail(f"{kind.__name__} reuses code {kind.code} of {seen[kind.code].__name__}")
        seen[kind.code] = kind
