"""A simulator service on a private pipeline: its own topics, database and InfluxDB database."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi.testclient import TestClient

from gridtokenx.config import Settings, SimulatorSettings
from gridtokenx.simulator.service import SimulatorProcess, build_process
from tests.telemetry.pipeline import Pipeline, private_pipeline

MINUTE_MS = 60_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class ServiceRig:
    pipeline: Pipeline

    @property
    def settings(self) -> Settings:
        return self.pipeline.settings

    @contextmanager
    def process(self) -> Iterator[tuple[SimulatorProcess, TestClient]]:
        """One simulator process (the real wiring) with its API served in-process."""
        process = build_process(self.settings)
        try:
            with TestClient(process.app) as client:
                yield process, client
        finally:
            process.close()


@contextmanager
def service_rig(stack: Settings) -> Iterator[ServiceRig]:
    with private_pipeline(stack) as pipeline:
        pipeline.settings = pipeline.settings.model_copy(
            update={"simulator": SimulatorSettings(autostart=False, default_meter_count=4)}
        )
        yield ServiceRig(pipeline)


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def scenario_request(**changes: object) -> dict[str, object]:
    """A frozen run: accelerated so slowly that nothing is due until stepped."""
    request: dict[str, object] = {
        "meter_count": 6,
        "seed": 31,
        "mode": "accelerated",
        "speed": 0.001,
        "interval_ms": 5 * MINUTE_MS,
        "start_ms": (now_ms() - 86_400_000) // MINUTE_MS * MINUTE_MS,
    }
    request.update(changes)
    return request
