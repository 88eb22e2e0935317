"""A real gateway process (`python -m gridtokenx gateway serve`) on a free loopback port.

Shared by the server tests and bench/gateway_server.py: it starts the command with the settings
given as environment variables, waits until ``/v1/health`` answers 200, and stops the process
(SIGTERM, then SIGKILL) afterwards.
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from gridtokenx.config import Settings
from gridtokenx.stack.services.gateway import GatewayService
from tests.utils.ports import free_port

_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class GatewayProcess:
    base_url: str
    port: int
    pid: int
    verify: ssl.SSLContext | bool


def gateway_environment(settings: Settings, *, port: int, server: str) -> dict[str, str]:
    """The environment the stack gives the gateway, on ``port`` with ``server``."""
    gateway = settings.gateway.model_copy(update={"port": port, "server": server})
    spec = GatewayService(settings.model_copy(update={"gateway": gateway})).launch_spec()
    return {
        **spec.env,
        **({"HOME": os.environ["HOME"]} if "HOME" in os.environ else {}),
        "GRIDTOKENX_GATEWAY__OPERATORS_FROM_CHAIN": "false",
        # Tests send many requests from one address: limits are off unless a test turns them on
        # (tests/gateway/test_rate_limits_process.py, bench/gateway.py).
        "GRIDTOKENX_RATE_LIMITS__ENABLED": "false",
    }


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its PKCS#8 key (openssl)."""
    cert, key = folder / "gateway.crt", folder / "gateway.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def running_gateway(
    settings: Settings,
    *,
    server: str,
    tls: tuple[Path, Path] | None = None,
    extra_env: dict[str, str] | None = None,
    cpu_list: str | None = None,
    log_file: Path | None = None,
) -> Iterator[GatewayProcess]:
    port = free_port()
    env = {**gateway_environment(settings, port=port, server=server), **(extra_env or {})}
    verify: ssl.SSLContext | bool = True
    scheme = "http"
    if tls is not None:
        env["GRIDTOKENX_GATEWAY__TLS_CERT_FILE"] = str(tls[0])
        env["GRIDTOKENX_GATEWAY__TLS_KEY_FILE"] = str(tls[1])
        verify = ssl.create_default_context(cafile=str(tls[0]))
        scheme = "https"
    argv: Sequence[str] = (sys.executable, "-m", "gridtokenx", "gateway", "serve")
    if cpu_list is not None:
        argv = ("taskset", "-c", cpu_list, *argv)
    output = log_file.open("ab") if log_file else subprocess.DEVNULL
    process = subprocess.Popen(argv, env=env, stdout=output, stderr=output)
    gateway = GatewayProcess(f"{scheme}://127.0.0.1:{port}", port, process.pid, verify)
    try:
        _wait_until_healthy(gateway, process)
        yield gateway
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_file:
            output.close()  # type: ignore[union-attr]


def _wait_until_healthy(gateway: GatewayProcess, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the gateway exited with {process.returncode} before serving")
        try:
            response = httpx.get(f"{gateway.base_url}/v1/health", verify=gateway.verify)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the gateway on {gateway.base_url} did not become healthy")
        time.sleep(0.1)
