"""The gateway as a real server process: HTTP/1.1, h2c with prior knowledge, h2 over TLS, and
the stack's health check, for each supported ASGI server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gridtokenx.config import GatewaySettings, PostgresSettings, Settings
from gridtokenx.stack.services.gateway import GatewayService
from tests.gateway.server_process import running_gateway, self_signed_certificate
from tests.gateway.wallet import BrowserWallet

pytestmark = pytest.mark.integration

SERVERS = ("granian", "hypercorn")


@pytest.fixture
def process_settings(
    running_stack: Settings, accounts_database: PostgresSettings, tmp_path: Path
) -> Settings:
    return running_stack.model_copy(update={"postgres": accounts_database, "state_dir": tmp_path})


@pytest.mark.parametrize("server", SERVERS)
def test_http1_and_h2c_prior_knowledge_on_one_port(process_settings: Settings, server: str) -> None:
    with running_gateway(process_settings, server=server) as gateway:
        with httpx.Client(base_url=gateway.base_url) as http1:
            response = http1.get("/v1/version")
            assert (response.http_version, response.status_code) == ("HTTP/1.1", 200)
        # http1=False: the client opens with the HTTP/2 preface, no Upgrade (prior knowledge).
        with httpx.Client(base_url=gateway.base_url, http1=False, http2=True) as h2c:
            version = h2c.get("/v1/version", headers={"X-Request-ID": "h2c-1"})
            assert (version.http_version, version.status_code) == ("HTTP/2", 200)
            assert version.headers["x-request-id"] == "h2c-1"
            nonce = h2c.post("/v1/auth/nonce", json={})
            assert (nonce.http_version, nonce.status_code) == ("HTTP/2", 201)
            missing = h2c.get("/v1/missing")
            assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
        token_file = process_settings.state_dir / "gateway" / "token_secret"
        assert token_file.stat().st_size >= 64  # generated on first start, never built in


@pytest.mark.parametrize("server", SERVERS)
def test_h2_over_tls_when_a_certificate_is_configured(
    process_settings: Settings, server: str, tmp_path: Path
) -> None:
    tls = self_signed_certificate(tmp_path)
    with running_gateway(process_settings, server=server, tls=tls) as gateway:
        with httpx.Client(base_url=gateway.base_url, http2=True, verify=gateway.verify) as client:
            response = client.get("/v1/version")
            assert (response.http_version, response.status_code) == ("HTTP/2", 200)
        with httpx.Client(base_url=gateway.base_url, verify=gateway.verify) as http1:
            assert http1.get("/v1/version").http_version == "HTTP/1.1"


def test_the_stack_health_check_passes_against_a_running_gateway(
    process_settings: Settings,
) -> None:
    with running_gateway(process_settings, server="granian") as gateway:
        settings = process_settings.model_copy(
            update={"gateway": GatewaySettings(port=gateway.port)}
        )
        GatewayService(settings).check_health()


def test_workers_share_no_state_but_redis_postgres_and_the_key_file(
    process_settings: Settings,
) -> None:
    wallet = BrowserWallet()
    extra = {"GRIDTOKENX_GATEWAY__WORKERS": "2"}
    with running_gateway(process_settings, server="granian", extra_env=extra) as gateway:

        def fresh() -> httpx.Client:
            # A new connection for each step, so the kernel spreads them over the workers.
            return httpx.Client(base_url=gateway.base_url)

        for _ in range(3):
            with fresh() as client:
                nonce = client.post("/v1/auth/nonce", json={}).json()
            with fresh() as client:
                signed = client.post("/v1/auth/sign-in", json=wallet.sign_in_output(nonce["input"]))
                assert signed.status_code == 200, signed.text
                refresh_token = signed.cookies["gtx_refresh"]
            headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
            for _ in range(4):
                with fresh() as client:
                    assert client.get("/v1/me", headers=headers).status_code == 200
            with fresh() as client:
                # httpx keeps Secure cookies for https only; send the header as a browser would.
                rotated = client.post(
                    "/v1/auth/refresh", headers={"Cookie": f"gtx_refresh={refresh_token}"}
                )
                assert rotated.status_code == 200, rotated.text
