"""The web apps' production builds for tests: built once per session, served on free ports."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.stack.services.web import (
    app_env,
    ensure_build,
    ensure_dependencies,
    next_start_argv,
    web_dir,
    write_runtime_file,
)
from gridtokenx.stack.system import ensure_packages
from tests.chain.local_chain import LocalChain
from tests.gateway.server_process import running_gateway
from tests.utils.databases import scratch_database
from tests.utils.ports import free_port

CHROMIUM = Path("/usr/bin/chromium")
JOURNEY_SCRIPT = Path(__file__).parent / "browser" / "journey.mjs"
ARTIFACTS = Path(__file__).parents[2] / "build" / "test-artifacts" / "web"
"""Screenshots of every page the browser tests open."""
_START_TIMEOUT_S = 60.0
_POLL_S = 0.2


def prepare_web(settings: Settings, *apps: str) -> None:
    """Debian's Chromium (installed with apt like the stack's packages), ``npm ci`` and the
    builds, each only when missing or out of date."""
    ensure_packages(["chromium"])
    ensure_dependencies(settings)
    for app in apps:
        ensure_build(settings, app)


@contextmanager
def served_app(
    settings: Settings, app: str, state_dir: Path, port: int | None = None
) -> Iterator[str]:
    """``next start`` of ``app`` on ``port`` (a free one by default), its runtime file pointing
    at ``settings``' chain and gateway; yields the app's URL and stops the server afterwards."""
    runtime_file = state_dir / f"web-{app}" / "runtime.json"
    write_runtime_file(settings, runtime_file)
    port = port or free_port()
    host = "127.0.0.1"
    log = (state_dir / f"web-{app}.log").open("wb")
    process = subprocess.Popen(
        next_start_argv(settings, app, host, port),
        cwd=web_dir(settings) / app,
        env={"PATH": os.environ["PATH"], **app_env(settings, runtime_file)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://{host}:{port}"
    try:
        _wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"next start exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(_POLL_S)
    raise RuntimeError(f"{url} did not answer 200 within {_START_TIMEOUT_S:.0f} s")


@dataclass(frozen=True)
class Browser:
    """One browser profile (its localStorage survives between phases) against one app."""

    settings: Settings
    app_url: str
    profile_dir: Path
    artifact_dir: Path
    script: Path = JOURNEY_SCRIPT
    """The driver the phases run in (``dataclasses.replace`` it for a feature's own driver)."""

    def _env(self, **extra: str) -> dict[str, str]:
        return {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/root"),
            "GRIDTOKENX_WEB_DIR": str(web_dir(self.settings)),
            "APP_URL": self.app_url,
            "PROFILE_DIR": str(self.profile_dir),
            "ARTIFACT_DIR": str(self.artifact_dir),
            **extra,
        }

    def _argv(self, phase: str) -> list[str]:
        return [self.settings.web.node_bin, str(self.script), phase]

    def run(
        self,
        phase: str,
        expect: dict[str, object] | None = None,
        custom_rpc_url: str = "",
        page_path: str = "/",
        transaction: str = "",
        order: dict[str, object] | None = None,
        extra: dict[str, str] | None = None,
    ) -> dict[str, object]:
        """One phase of journey.mjs; ``extra``: more environment for phases that read it."""
        env = self._env(
            EXPECT=json.dumps(expect or {}),
            CUSTOM_RPC_URL=custom_rpc_url,
            PAGE_PATH=page_path,
            TRANSACTION=transaction,
            ORDER=json.dumps(order or {}),
            **(extra or {}),
        )
        result = subprocess.run(
            self._argv(phase), env=env, capture_output=True, text=True, timeout=180, check=False
        )
        assert result.returncode == 0, f"browser phase {phase} failed: {result.stderr[-3000:]}"
        output: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
        return output

    def live(
        self,
        change: Callable[[dict[str, object]], dict[str, object]],
        expect_file: Path,
        phase: str = "live",
        expect: dict[str, object] | None = None,
    ) -> dict[str, object]:
        """Open the page (phase ``live`` or ``market``; ``expect``: what it must show first),
        let ``change`` alter the chain or the market while it stays open (it gets what the page
        showed, returns what it must show now) and report what the page shows then."""
        process = subprocess.Popen(
            self._argv(phase),
            env=self._env(EXPECT_FILE=str(expect_file), EXPECT=json.dumps(expect or {})),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            assert first, (
                f"the live page never opened: {process.stderr.read() if process.stderr else ''}"
            )
            before: dict[str, object] = json.loads(first)["before"]
            temporary = expect_file.with_suffix(".new")
            temporary.write_text(json.dumps(change(before)))
            temporary.replace(expect_file)
            rest, errors = process.communicate(timeout=180)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 0, f"browser phase live failed: {errors[-3000:]}"
        output: dict[str, object] = json.loads(rest.strip().splitlines()[-1])
        return output


@contextmanager
def trading_app_with_gateway(
    stack: Settings,
    chain: LocalChain,
    state_dir: Path,
    extra_env: dict[str, str] | None = None,
    settings: Settings | None = None,
    database: PostgresSettings | None = None,
    extra_origins: Sequence[str] = (),
) -> Iterator[Browser]:
    """The trading app's production build on one port and a real gateway process (granian) on
    another, both on ``chain``; the gateway on a scratch migrated database and the shared Redis.
    The two are different origins of the same site: the gateway's CORS allows the app's origin
    with credentials and its sign-in domain is the app's. ``settings`` (default: the chain's)
    may carry more, such as a scratch market-data pipeline; ``extra_env`` goes to the gateway;
    ``database`` (migrated) replaces the scratch one, e.g. a market pipeline's;
    ``extra_origins`` are more origins the gateway's CORS allows (e.g. the admin app's)."""
    app_port = free_port()
    origin = f"http://127.0.0.1:{app_port}"
    base = settings or chain.settings
    environment = {
        "GRIDTOKENX_CHAIN__RPC_PORT": str(chain.settings.chain.rpc_port),
        "GRIDTOKENX_CHAIN__WS_PORT": str(chain.settings.chain.ws_port),
        "GRIDTOKENX_GATEWAY__CORS_ORIGINS": json.dumps([origin, *extra_origins]),
        "GRIDTOKENX_GATEWAY__DOMAIN": f"127.0.0.1:{app_port}",
        "GRIDTOKENX_GATEWAY__SIGN_IN_URI": origin,
        # Its own request counters: the shared Redis counts every gateway on 127.0.0.1 together.
        "GRIDTOKENX_RATE_LIMITS__REDIS_PREFIX": f"test-web-rl-{uuid.uuid4().hex[:10]}",
        **(extra_env or {}),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with ExitStack() as resources:
        postgres = database
        if postgres is None:
            postgres = resources.enter_context(scratch_database(stack.postgres))
            upgrade_to_head(postgres.url)
        gateway_settings = base.model_copy(update={"postgres": postgres, "redis": stack.redis})
        with running_gateway(
            gateway_settings,
            server="granian",
            extra_env=environment,
            log_file=state_dir / "gateway.log",
        ) as gateway:
            web = gateway_settings.model_copy(
                update={
                    "gateway": gateway_settings.gateway.model_copy(update={"port": gateway.port})
                }
            )
            with served_app(web, "trading", state_dir, port=app_port) as url:
                yield Browser(web, url, state_dir / "profile", ARTIFACTS)
