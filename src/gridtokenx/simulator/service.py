"""The simulator service's wiring: settings → store, producer, commissioner, runner, API."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from gridtokenx.config import Settings
from gridtokenx.simulator.api.app import create_app
from gridtokenx.simulator.api.context import ScenarioDefaults
from gridtokenx.simulator.commissioning import FleetCommissioner
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.pacing import default_start_ms, local_dawn_at_or_before
from gridtokenx.simulator.runner import Runner, wall_now_ms
from gridtokenx.simulator.scenario import RunMode, Scenario
from gridtokenx.simulator.store import ScenarioStore
from gridtokenx.telemetry.producer import ReadingProducer
from gridtokenx.telemetry.repository import TelemetryRepository

_MS_PER_HOUR = 3_600_000


@dataclass
class SimulatorProcess:
    """Everything one simulator process holds open; ``close`` releases it."""

    app: FastAPI
    runner: Runner
    store: ScenarioStore
    repository: TelemetryRepository
    producer: ReadingProducer

    def close(self) -> None:
        self.producer.flush()
        self.store.close()
        self.repository.close()


def scenario_defaults(settings: Settings) -> ScenarioDefaults:
    return ScenarioDefaults(lookback_ms=round(settings.simulator.default_lookback_h * _MS_PER_HOUR))


def default_scenario(settings: Settings, now_ms: int) -> Scenario:
    """The first run of a new database: the configured fleet, mode and speed. Accelerated and
    replay runs start at the site's dawn before the lookback, so a fresh demo has sun early."""
    simulator = settings.simulator
    mode = RunMode(simulator.default_mode)
    fleet = FleetConfig(meter_count=simulator.default_meter_count, seed=simulator.default_seed)
    start_ms = default_start_ms(
        mode, now_ms, simulator.default_interval_ms, scenario_defaults(settings).lookback_ms
    )
    if mode is not RunMode.REALTIME:
        start_ms = local_dawn_at_or_before(
            start_ms, fleet.site.utc_offset_h, simulator.default_interval_ms
        )
    return Scenario(
        fleet=fleet,
        mode=mode,
        speed=simulator.default_speed,
        interval_ms=simulator.default_interval_ms,
        start_ms=start_ms,
        end_ms=now_ms if mode is RunMode.REPLAY else None,
    )


def build_process(settings: Settings) -> SimulatorProcess:
    """Connect to PostgreSQL and Kafka, load (or create) the stored run and build the API."""
    store = ScenarioStore(settings.postgres.url, settings.simulator.scenario)
    repository = TelemetryRepository(settings.postgres.url)
    producer = ReadingProducer(
        settings.kafka.bootstrap_servers, settings.telemetry.readings_topic, linger_ms=5
    )
    runner = Runner(store, producer, FleetCommissioner(repository))
    runner.load(lambda: default_scenario(settings, wall_now_ms()))
    app = create_app(runner, scenario_defaults(settings), autostart=settings.simulator.autostart)
    return SimulatorProcess(app, runner, store, repository, producer)
