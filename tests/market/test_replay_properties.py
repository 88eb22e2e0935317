"""Determinism and crash recovery: the same commands give the same events, from any snapshot."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from gridtokenx.market import Command, Event, MarketConfig, MarketMode, MatchingEngine
from tests.market.factories import BAND, INTERVAL_MS
from tests.market.strategies import commands

CONFIGS = {
    MarketMode.CONTINUOUS: MarketConfig(market_order_band_per_kwh=BAND),
    MarketMode.AUCTION: MarketConfig(
        market_order_band_per_kwh=BAND, mode=MarketMode.AUCTION, auction_interval_ms=INTERVAL_MS
    ),
}


def _run(engine: MatchingEngine, log: list[Command]) -> list[Event]:
    return [event for command in log for event in engine.apply(command)]


@st.composite
def logs(draw: st.DrawFn) -> tuple[MarketMode, list[Command]]:
    mode = draw(st.sampled_from(list(MarketMode)))
    return mode, draw(commands(auction=mode is MarketMode.AUCTION))


@settings(max_examples=60, deadline=None)
@given(logs())
def test_the_same_commands_give_the_same_events_and_book(
    mode_and_log: tuple[MarketMode, list[Command]],
) -> None:
    mode, log = mode_and_log
    first, second = MatchingEngine(CONFIGS[mode]), MatchingEngine(CONFIGS[mode])

    assert _run(first, log) == _run(second, log)
    assert first.snapshot() == second.snapshot()


@settings(max_examples=60, deadline=None)
@given(logs(), st.data())
def test_restoring_a_snapshot_and_replaying_the_rest_reproduces_the_run(
    mode_and_log: tuple[MarketMode, list[Command]], data: st.DataObject
) -> None:
    mode, log = mode_and_log
    split = data.draw(st.integers(0, len(log)), label="split")
    original = MatchingEngine(CONFIGS[mode])
    _run(original, log[:split])
    snapshot = json.loads(json.dumps(original.snapshot()))

    restored = MatchingEngine.restore(snapshot)

    assert restored.snapshot() == original.snapshot()
    assert _run(restored, log[split:]) == _run(original, log[split:])
    assert restored.snapshot() == original.snapshot()
