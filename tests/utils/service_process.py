"""A platform service's process started as the stack starts it, for tests of the real command."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.base import Service

_HEALTHY_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 30.0


@dataclass
class Launched:
    process: subprocess.Popen[bytes]
    output: str = ""
    """Its stdout and stderr, once it has stopped."""
    returncode: int | None = None


@contextmanager
def launched(service: Service, environment: Mapping[str, str]) -> Iterator[Launched]:
    """``service``'s launch command on ``environment`` (the stack's own variables win), yielded
    once its health check passes; stopped with SIGTERM (`stack down`) when the block ends."""
    service.prepare()
    spec = service.launch_spec()
    process = subprocess.Popen(
        spec.argv,
        cwd=spec.cwd,
        env={**environment, **spec.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    run = Launched(process)
    try:
        deadline = time.monotonic() + _HEALTHY_TIMEOUT_S
        while True:
            try:
                service.check_health()
                break
            except HealthCheckFailed:
                assert process.poll() is None, f"{service.name} exited"
                assert time.monotonic() < deadline, f"{service.name} never became healthy"
                time.sleep(0.2)
        yield run
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=_STOP_TIMEOUT_S)
        run.output = output.decode(errors="replace")
        run.returncode = process.returncode
