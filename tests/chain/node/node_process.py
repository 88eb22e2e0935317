"""Start the real chain node as a subprocess on free ports, for integration tests and the bench."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

_START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def rpc_call(url: str, method: str, params: list[object] | None = None) -> dict[str, object]:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, body.encode(), headers=headers)  # noqa: S310 - http only
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http only
        reply: dict[str, object] = json.loads(response.read())
        return reply


@dataclass
class NodeProcess:
    state_dir: Path
    rpc_port: int = field(default_factory=free_port)
    ws_port: int = field(default_factory=free_port)
    cpu: int | None = None
    """Pin the node to this CPU with taskset (the bench keeps client and node apart)."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.rpc_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}"

    def start(self) -> None:
        argv = [
            sys.executable,
            "-m",
            "gridtokenx",
            "chain",
            "node",
            "--rpc-port",
            str(self.rpc_port),
            "--ws-port",
            str(self.ws_port),
            "--state-dir",
            str(self.state_dir),
        ]
        if self.cpu is not None:
            argv = ["taskset", "-c", str(self.cpu), *argv]
        self.state_dir.parent.mkdir(parents=True, exist_ok=True)
        log = (self.state_dir.parent / f"{self.state_dir.name}.log").open("ab")
        self.process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ)
        )
        log.close()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chain node exited with {self.process.returncode}")
            try:
                if rpc_call(self.rpc_url, "getHealth").get("result") == "ok":
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        raise TimeoutError(f"chain node not healthy after {_START_TIMEOUT_S} s")

    def kill(self) -> None:
        """SIGKILL: no chance to flush anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
