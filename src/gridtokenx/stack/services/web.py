"""The Next.js apps (`web/`): the trading dashboard (:3000) and the operator console (:3001).

``prepare`` makes a fresh checkout runnable and skips what is already done:

- ``npm ci`` only when ``package-lock.json`` differs from the one last installed (its digest is
  kept inside ``node_modules``, so deleting that folder also reinstalls);
- ``next build`` (the app's npm ``build`` script; the trading app's ``prebuild`` first copies
  MapLibre's worker into ``public/``) only when the digest of the app's sources, the shared
  package and the lockfile differs from the one kept inside the app's ``.next``;
- the runtime file the apps' ``/api/config`` route reads on every request: the cluster's RPC
  URLs, the path of the chain's addresses file (read per request, so a re-bootstrapped chain
  needs no rebuild) and the oracle's feeds and policy.

The process is ``node …/next start`` itself, not npm or npx, so that stopping it frees the port.
Health: ``GET /`` answers 200.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Literal

import httpx

from gridtokenx.config import Settings
from gridtokenx.oracle.config import fx_pair_name, oracle_config
from gridtokenx.stack.errors import HealthCheckFailed, PrerequisiteError, ServiceStartError
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

CHECKOUT_WEB_DIR = Path(__file__).resolve().parents[4] / "web"
NEXT_VERSION = "16"
"""The Next.js major version the apps run (``web/*/package.json``)."""
INSTALLED_LOCK_STAMP = Path("node_modules") / ".gridtokenx-lock.sha256"
BUILT_SOURCES_STAMP = Path(".next") / "gridtokenx-sources.sha256"
SHARED_PACKAGE = "shared"
_SKIPPED_DIRS = frozenset({"node_modules", ".next", "public"})
"""Build outputs and dependencies; ``public/`` only holds files copied at build."""
_GENERATED_FILES = frozenset({"next-env.d.ts", ".gridtokenx-build.lock"})
_COMMAND_TIMEOUT_S = 900.0
_HEALTH_TIMEOUT_S = 5.0


def web_dir(settings: Settings) -> Path:
    return settings.web.source_dir or CHECKOUT_WEB_DIR


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            if path.name not in _SKIPPED_DIRS:
                yield from _source_files(path)
        elif path.is_file() and path.name not in _GENERATED_FILES and path.suffix != ".tsbuildinfo":
            yield path


def sources_digest(root: Path, app: str) -> str:
    """One digest of everything an app's build reads: its folder, the shared package, the
    workspace's manifest and lockfile, and the programs' IDLs the admin app decodes with (file
    names included, so a rename counts)."""
    digest = hashlib.sha256()
    files = [root / "package.json", root / "package-lock.json"]
    files += [*_source_files(root / app), *_source_files(root / SHARED_PACKAGE)]
    files += sorted((root.parent / "programs").glob("*/idl.json"))
    for path in files:
        digest.update(str(path.relative_to(root.parent)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _stamp_matches(stamp: Path, digest: str) -> bool:
    try:
        return stamp.read_text().strip() == digest
    except FileNotFoundError:
        return False


@contextmanager
def _workspace_lock(root: Path) -> Iterator[None]:
    """One install or build of the workspace at a time (the two apps, tests, a second stack)."""
    with (root / ".gridtokenx-build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(argv: list[str], cwd: Path, what: str) -> None:
    env = {"PATH": _path_env(), "NEXT_TELEMETRY_DISABLED": "1", "HOME": str(Path.home())}
    try:
        result = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=_COMMAND_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise ServiceStartError(f"{what} did not finish within {_COMMAND_TIMEOUT_S:.0f} s") from exc
    if result.returncode != 0:
        output = (result.stderr + result.stdout).strip()
        raise ServiceStartError(
            f"{what} failed in {cwd} (exit {result.returncode}): {output[-2000:]}"
        )


def _path_env() -> str:
    return os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")


def ensure_dependencies(settings: Settings) -> bool:
    """``npm ci`` unless the installed lockfile is the current one; True if it ran."""
    root = web_dir(settings)
    lock_digest = file_digest(root / "package-lock.json")
    with _workspace_lock(root):
        if _stamp_matches(root / INSTALLED_LOCK_STAMP, lock_digest):
            return False
        npm = _require_binary(settings.web.npm_bin, "GRIDTOKENX_WEB__NPM_BIN")
        _run([npm, "ci", "--no-audit", "--no-fund"], root, "`npm ci`")
        (root / INSTALLED_LOCK_STAMP).write_text(lock_digest + "\n")
        return True


def ensure_build(settings: Settings, app: str) -> bool:
    """``next build`` of ``app`` unless its sources are the ones last built; True if it ran."""
    root = web_dir(settings)
    with _workspace_lock(root):
        digest = sources_digest(root, app)
        stamp = root / app / BUILT_SOURCES_STAMP
        if _stamp_matches(stamp, digest) and (root / app / ".next" / "BUILD_ID").exists():
            return False
        npm = _require_binary(settings.web.npm_bin, "GRIDTOKENX_WEB__NPM_BIN")
        _run([npm, "run", "build", "--workspace", app], root, f"`next build` of {app}")
        stamp.write_text(digest + "\n")
        return True


def _require_binary(name: str, setting: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PrerequisiteError(
            f"{name} not found: the web apps need Node.js 20.9 or later with npm (Debian 12's "
            f"nodejs package is too old; install Node.js 20 or set {setting})"
        )
    return found


def runtime_document(settings: Settings) -> dict[str, object]:
    """What ``/api/config`` serves, less the addresses file's content (read per request)."""
    oracle = oracle_config(settings.oracle)
    return {
        "rpcUrl": settings.chain.client_rpc_url,
        "wsUrl": settings.chain.client_ws_url,
        "gatewayUrl": f"http://{settings.gateway.host}:{settings.gateway.port}",
        "addressesFile": str(settings.chain_addresses_file),
        "oracle": {
            "currency": oracle.currency.currency,
            "minorUnitDigits": oracle.currency.minor_unit_digits,
            "inverted": oracle.currency.inverted,
            "usdcUsdFeedId": oracle.usdc_usd.feed_id.hex(),
            "fxFeedId": oracle.fx.feed_id.hex(),
            "fxName": fx_pair_name(oracle.currency),
            "maxAgeS": oracle.policy.max_age_s,
            "maxConfidenceBps": oracle.policy.max_confidence_bps,
            "allowPartialVerification": oracle.policy.allow_partial_verification,
            "shardId": settings.oracle.shard_id,
            "priceAccounts": {
                key.removeprefix("0x").lower(): value
                for key, value in settings.oracle.price_accounts.items()
            },
        },
    }


def write_runtime_file(settings: Settings, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".new")
    temporary.write_text(json.dumps(runtime_document(settings), indent=2) + "\n")
    temporary.replace(path)


def next_start_argv(settings: Settings, app: str, host: str, port: int) -> tuple[str, ...]:
    """``node <web>/node_modules/next/dist/bin/next start`` for ``app``: the server itself."""
    node = _require_binary(settings.web.node_bin, "GRIDTOKENX_WEB__NODE_BIN")
    next_bin = web_dir(settings) / "node_modules" / "next" / "dist" / "bin" / "next"
    return (node, str(next_bin), "start", "--hostname", host, "--port", str(port))


def app_env(settings: Settings, runtime_file: Path) -> dict[str, str]:
    return {
        "NODE_ENV": "production",
        "NEXT_TELEMETRY_DISABLED": "1",
        "GRIDTOKENX_WEB_RUNTIME_FILE": str(runtime_file),
    }


class NextAppService(Service):
    """One Next.js app of the workspace, built and served with ``next start``."""

    app: ClassVar[Literal["trading", "admin"]]
    """The workspace folder; its port is the ``web.<app>_port`` setting."""
    title: ClassVar[str]
    version = NEXT_VERSION

    @property
    def port(self) -> int:
        port: int = getattr(self.settings.web, f"{self.app}_port")
        return port

    @property
    def url(self) -> str:
        return f"http://{self.settings.web.host}:{self.port}"

    @property
    def runtime_file(self) -> Path:
        return self.home / "runtime.json"

    def ports(self) -> list[ServicePort]:
        setting = f"GRIDTOKENX_WEB__{self.app.upper()}_PORT"
        return [ServicePort("http", self.settings.web.host, self.port, setting)]

    def urls(self) -> list[tuple[str, str]]:
        return [(self.title, self.url)]

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        ensure_dependencies(self.settings)
        ensure_build(self.settings, self.app)
        write_runtime_file(self.settings, self.runtime_file)

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=next_start_argv(self.settings, self.app, self.settings.web.host, self.port),
            cwd=web_dir(self.settings) / self.app,
            env={**self._base_env(), **app_env(self.settings, self.runtime_file)},
        )

    def check_health(self) -> None:
        try:
            response = httpx.get(f"{self.url}/", timeout=_HEALTH_TIMEOUT_S)
        except httpx.HTTPError as exc:
            raise HealthCheckFailed(f"{self.name}: {exc}") from exc
        if response.status_code != 200:
            raise HealthCheckFailed(f"{self.name}: GET / answered {response.status_code}")


class WebTradingService(NextAppService):
    name = "web-trading"
    app = "trading"
    title = "trading app (balances, orders, grid map)"


class WebAdminService(NextAppService):
    name = "web-admin"
    app = "admin"
    title = "admin console"
