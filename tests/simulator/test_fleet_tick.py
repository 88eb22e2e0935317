"""Determinism for a seed, tick ordering rules and signing threads."""

from __future__ import annotations

import pytest

from gridtokenx.simulator import Fleet, FleetConfig, SimulationClock, TickError
from tests.simulator.days import MONDAY_MS

HOUR_MS = 3_600_000


def _run(config: FleetConfig, ticks: int = 4) -> list[tuple[bytes, bytes]]:
    fleet = Fleet(config)
    clock = SimulationClock.replay(
        start_ms=MONDAY_MS + 10 * HOUR_MS,
        end_ms=MONDAY_MS + 11 * HOUR_MS,
        interval_ms=HOUR_MS // ticks,
    )
    return [
        (readings.messages, readings.signatures)
        for readings in (fleet.tick(t.timestamp_ms, t.interval_ms) for t in clock.ticks())
    ]


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    first = _run(FleetConfig(meter_count=50, seed=5))
    assert first == _run(FleetConfig(meter_count=50, seed=5))
    other = _run(FleetConfig(meter_count=50, seed=6))
    assert all(a[0] != b[0] and a[1] != b[1] for a, b in zip(first, other, strict=True))


def test_signing_threads_do_not_change_the_signatures() -> None:
    assert _run(FleetConfig(meter_count=40, seed=5, signing_threads=3), ticks=1) == _run(
        FleetConfig(meter_count=40, seed=5), ticks=1
    )


def test_ticks_must_tile_time() -> None:
    fleet = Fleet(FleetConfig(meter_count=5))
    fleet.tick(MONDAY_MS + 60_000, 60_000)
    with pytest.raises(TickError, match="does not start where the previous tick ended"):
        fleet.tick(MONDAY_MS + 180_000, 60_000)
    with pytest.raises(TickError, match="does not start where the previous tick ended"):
        fleet.tick(MONDAY_MS + 90_000, 60_000)
    fleet.tick(MONDAY_MS + 120_000, 60_000)


@pytest.mark.parametrize("interval_ms", [0, -1, HOUR_MS + 1])
def test_interval_out_of_range_is_refused(interval_ms: int) -> None:
    with pytest.raises(TickError, match="interval_ms"):
        Fleet(FleetConfig(meter_count=5)).tick(MONDAY_MS, interval_ms)


def test_tick_before_1970_is_refused() -> None:
    with pytest.raises(TickError, match="1970"):
        Fleet(FleetConfig(meter_count=5)).tick(1_000, 60_000)


def test_a_tick_is_a_measurement_then_its_signatures() -> None:
    config = FleetConfig(meter_count=20, seed=9)
    ticked = Fleet(config).tick(MONDAY_MS + HOUR_MS, HOUR_MS)
    fleet = Fleet(config)
    measurement = fleet.measure(MONDAY_MS + HOUR_MS, HOUR_MS)
    signed = fleet.sign(measurement)
    assert signed.messages == measurement.messages == ticked.messages
    assert signed.signatures == ticked.signatures
    assert signed.import_register_wh.tolist() == ticked.import_register_wh.tolist()
