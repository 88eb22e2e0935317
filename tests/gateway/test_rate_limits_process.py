"""Rate limits and ``/metrics`` in a real gateway process (`gridtokenx gateway serve`, granian):
429 with ``Retry-After`` over real HTTP, the refusals counted, and the counts of two workers
added up in multiprocess mode."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gridtokenx.config import Settings
from tests.gateway.server_process import running_gateway

pytestmark = pytest.mark.integration


def sample(text: str, name: str, **labels: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and labels.items() <= s.labels.items()
    )


def test_a_real_gateway_refuses_past_the_limit_and_counts_it(
    running_stack: Settings, tmp_path: Path
) -> None:
    env = {
        "GRIDTOKENX_RATE_LIMITS__ENABLED": "true",
        "GRIDTOKENX_RATE_LIMITS__AUTH_PER_IP": "2",
        "GRIDTOKENX_RATE_LIMITS__REDIS_PREFIX": f"test-rl-{uuid.uuid4().hex[:8]}",
    }
    settings = running_stack.model_copy(update={"state_dir": tmp_path})
    with (
        running_gateway(settings, server="granian", extra_env=env) as gateway,
        httpx.Client(base_url=gateway.base_url) as client,
    ):
        statuses = [client.post("/v1/auth/nonce", json={}).status_code for _ in range(3)]
        refused = client.post("/v1/auth/nonce", json={})
        metrics = client.get("/metrics").text
    assert statuses == [201, 201, 429]
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert sample(metrics, "gridtokenx_gateway_rate_limited_total", route_class="auth") == 2
    assert (
        sample(
            metrics,
            "gridtokenx_gateway_http_request_duration_seconds_count",
            route="unmatched",
            status_class="4xx",
        )
        == 2
    ), "a refused request never reaches the router, so it has no route template"


def test_two_workers_report_their_sum_in_multiprocess_mode(
    running_stack: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "GRIDTOKENX_GATEWAY__WORKERS": "2"}
    settings = running_stack.model_copy(update={"state_dir": tmp_path})
    with running_gateway(settings, server="granian", extra_env=env) as gateway:
        for _ in range(40):
            # A new connection each time, so that both workers take some.
            response = httpx.get(f"{gateway.base_url}/v1/version")
            assert response.status_code == 200
        metrics = httpx.get(f"{gateway.base_url}/metrics").text
        files = {path.name for path in folder.iterdir()}
    count = sample(
        metrics,
        "gridtokenx_gateway_http_request_duration_seconds_count",
        route="/v1/version",
        status_class="2xx",
    )
    assert count == 40
    # Each worker wrote its own files (named by pid): both served, one scrape added them up.
    assert len({name.rsplit("_", 1)[-1] for name in files}) >= 2, files
