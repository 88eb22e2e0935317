"""The stack's web services: what they run, when they rebuild, what /api/config is given."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest

from gridtokenx.config import Settings, WebSettings
from gridtokenx.stack.manager import ServiceState, StackManager
from gridtokenx.stack.registry import SERVICE_TYPES
from gridtokenx.stack.services.web import (
    BUILT_SOURCES_STAMP,
    WebAdminService,
    WebTradingService,
    ensure_build,
    runtime_document,
    sources_digest,
    write_runtime_file,
)
from tests.utils.ports import free_port
from tests.web.next_app import prepare_web


def _workspace(repository: Path) -> Path:
    root = repository / "web"
    for folder in ("trading/src/app", "shared/src", "trading/node_modules/x", "trading/.next"):
        (root / folder).mkdir(parents=True)
    (root / "package.json").write_text("{}")
    (root / "package-lock.json").write_text("{}")
    (root / "trading" / "src" / "app" / "page.tsx").write_text("a")
    (root / "shared" / "src" / "units.ts").write_text("b")
    return root


def test_the_digest_follows_sources_and_ignores_outputs(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    first = sources_digest(root, "trading")
    (root / "trading" / "node_modules" / "x" / "index.js").write_text("dependency")
    (root / "trading" / ".next" / "BUILD_ID").write_text("output")
    (root / "trading" / "next-env.d.ts").write_text("generated")
    assert sources_digest(root, "trading") == first
    (root / "shared" / "src" / "units.ts").write_text("changed")
    assert sources_digest(root, "trading") != first
    changed = sources_digest(root, "trading")
    (root / "shared" / "src" / "units.ts").rename(root / "shared" / "src" / "other.ts")
    assert sources_digest(root, "trading") != changed
    renamed = sources_digest(root, "trading")
    (tmp_path / "programs" / "registry").mkdir(parents=True)
    (tmp_path / "programs" / "registry" / "idl.json").write_text("{}")
    assert sources_digest(root, "trading") != renamed


def test_a_build_whose_stamp_matches_is_skipped(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    settings = Settings(web=WebSettings(source_dir=root, npm_bin="no-such-npm"))
    (root / "trading" / ".next" / "BUILD_ID").write_text("built")
    (root / "trading" / BUILT_SOURCES_STAMP).write_text(sources_digest(root, "trading") + "\n")
    assert ensure_build(settings, "trading") is False


def test_the_web_services_run_next_start_itself(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, web=WebSettings(trading_port=3100, admin_port=3101))
    for service_type, port in ((WebTradingService, 3100), (WebAdminService, 3101)):
        assert service_type in SERVICE_TYPES
        service = service_type(settings)
        assert [(p.host, p.port) for p in service.ports()] == [("127.0.0.1", port)]
        spec = service.launch_spec()
        assert spec.argv[1].endswith("node_modules/next/dist/bin/next")
        assert spec.argv[2:] == ("start", "--hostname", "127.0.0.1", "--port", str(port))
        assert spec.env["NEXT_TELEMETRY_DISABLED"] == "1"
        assert spec.env["GRIDTOKENX_WEB_RUNTIME_FILE"] == str(service.runtime_file)
        assert service.urls() == [(service.title, f"http://127.0.0.1:{port}")]


@pytest.mark.parametrize(
    ("currency", "fx_name", "inverted"), [("THB", "USD/THB", False), ("EUR", "EUR/USD", True)]
)
def test_the_runtime_file_carries_the_oracle_settings(
    tmp_path: Path, currency: str, fx_name: str, inverted: bool
) -> None:
    settings = Settings.model_validate(
        {"state_dir": tmp_path, "oracle": {"local_currency": currency, "max_age_s": 30}}
    )
    path = tmp_path / "web" / "runtime.json"
    write_runtime_file(settings, path)
    document = json.loads(path.read_text())
    assert document == runtime_document(settings)
    assert document["rpcUrl"] == settings.chain.client_rpc_url
    assert document["addressesFile"] == str(settings.chain_addresses_file)
    oracle = document["oracle"]
    assert (oracle["currency"], oracle["fxName"], oracle["inverted"]) == (
        currency,
        fx_name,
        inverted,
    )
    assert oracle["maxAgeS"] == 30
    assert len(oracle["usdcUsdFeedId"]) == len(oracle["fxFeedId"]) == 64


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_the_stack_starts_the_app_and_stop_frees_its_port(tmp_path: Path) -> None:
    """`stack up web-trading` on its own state directory and port, then `stack down`."""
    settings = Settings(state_dir=tmp_path, web=WebSettings(trading_port=free_port()))
    prepare_web(settings, "trading")
    manager = StackManager(settings, [WebTradingService(settings)])
    try:
        [status] = manager.up(["web-trading"])
        assert status.state is ServiceState.HEALTHY, status.detail
        url = f"http://127.0.0.1:{settings.web.trading_port}"
        config = httpx.get(f"{url}/api/config", timeout=10).json()
        assert config["rpcUrl"] == settings.chain.client_rpc_url
        assert httpx.get(f"{url}/map", timeout=10).status_code == 200
    finally:
        manager.down(["web-trading"])
    assert _port_is_free(settings.web.trading_port)
