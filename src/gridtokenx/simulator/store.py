"""The simulator's scenarios in PostgreSQL (table ``simulator_scenarios``, migration 0003)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

import psycopg
from psycopg.types.json import Jsonb

from gridtokenx.db.connection import ReconnectingConnection
from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.simulator.scenario import (
    RunMode,
    RunState,
    Scenario,
    fleet_config_from_json,
    fleet_config_to_json,
    weather_from_json,
    weather_to_json,
)
from gridtokenx.telemetry.errors import StorageUnavailableError


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRun:
    scenario: Scenario
    state: RunState
    position_ms: int
    """End of the last published tick (``scenario.start_ms`` before the first)."""


class ScenarioStore:
    """Reads and writes one named scenario row."""

    def __init__(self, database_url: str, name: str = "default") -> None:
        self._db = ReconnectingConnection(database_url, _unavailable)
        self.name = name

    def close(self) -> None:
        self._db.close()

    def load(self) -> StoredRun | None:
        row = self._execute(
            "SELECT fleet_config, mode, speed, interval_ms, start_ms, end_ms, paced, weather, "
            "state, position_ms FROM simulator_scenarios WHERE name = %s",
            (self.name,),
            fetch=True,
        )
        if row is None:
            return None
        fleet, mode, speed, interval_ms, start_ms, end_ms, paced, weather, state, position = row
        scenario = Scenario(
            fleet=fleet_config_from_json(fleet),
            mode=RunMode(mode),
            speed=speed,
            interval_ms=interval_ms,
            start_ms=start_ms,
            end_ms=end_ms,
            paced=paced,
            weather=weather_from_json(weather),
        )
        return StoredRun(scenario=scenario, state=RunState(state), position_ms=position)

    def save(self, run: StoredRun) -> None:
        scenario = run.scenario
        self._execute(
            """
            INSERT INTO simulator_scenarios AS s (name, fleet_config, mode, speed, interval_ms,
                start_ms, end_ms, paced, weather, state, position_ms)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (name) DO UPDATE SET fleet_config = EXCLUDED.fleet_config,
                mode = EXCLUDED.mode, speed = EXCLUDED.speed, interval_ms = EXCLUDED.interval_ms,
                start_ms = EXCLUDED.start_ms, end_ms = EXCLUDED.end_ms, paced = EXCLUDED.paced,
                weather = EXCLUDED.weather, state = EXCLUDED.state,
                position_ms = EXCLUDED.position_ms, updated_at = now()
            """,
            (
                self.name,
                Jsonb(fleet_config_to_json(scenario.fleet)),
                scenario.mode.value,
                scenario.speed,
                scenario.interval_ms,
                scenario.start_ms,
                scenario.end_ms,
                scenario.paced,
                Jsonb(weather_to_json(scenario.weather)),
                run.state.value,
                run.position_ms,
            ),
        )

    def save_progress(self, state: RunState, position_ms: int) -> None:
        self._execute(
            "UPDATE simulator_scenarios SET state = %s, position_ms = %s, updated_at = now() "
            "WHERE name = %s",
            (state.value, position_ms, self.name),
        )

    def _execute(
        self, query: LiteralString, params: tuple[Any, ...], fetch: bool = False
    ) -> tuple[Any, ...] | None:
        try:
            with self._db.transaction() as connection:
                cursor = connection.execute(query, params)
                return cursor.fetchone() if fetch else None
        except psycopg.errors.UndefinedTable as exc:
            raise SimulatorError(
                "PostgreSQL has no simulator_scenarios table; migrate it: `gridtokenx db upgrade`"
            ) from exc


def _unavailable(detail: str) -> StorageUnavailableError:
    return StorageUnavailableError(
        f"PostgreSQL unavailable for the simulator's scenario: {detail} "
        "(`gridtokenx stack status postgres`)"
    )
