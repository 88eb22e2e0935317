"""Random auction logs: quantities are conserved, trades sound, deltas exact, sequences whole.

``test_continuous_properties.py`` checks the continuous mode step by step against a model and
with the same followers; this test covers auction markets (clearings, IOC cancels at the
boundary, expiries, self-trade prevention on entry).
"""

from __future__ import annotations

from hypothesis import given, settings

from gridtokenx.market import (
    AdvanceTime,
    Command,
    MarketConfig,
    MarketMode,
    MatchingEngine,
    Side,
    TimeInForce,
)
from tests.market.factories import BAND, INTERVAL_MS
from tests.market.ledger import DepthReplica, OrderLedger
from tests.market.strategies import commands


@settings(max_examples=60, deadline=None)
@given(commands(auction=True))
def test_an_auction_market_conserves_every_order_and_uncrosses_at_each_clearing(
    log: list[Command],
) -> None:
    engine = MatchingEngine(
        MarketConfig(
            market_order_band_per_kwh=BAND, mode=MarketMode.AUCTION, auction_interval_ms=INTERVAL_MS
        )
    )
    ledger = OrderLedger()
    depth = DepthReplica()
    last_sequence = 0
    for command in log:
        next_auction_ms = engine.next_auction_ms
        events = engine.apply(command)
        assert [event.sequence for event in events] == list(
            range(last_sequence + 1, last_sequence + 1 + len(events))
        )
        last_sequence = engine.last_sequence
        ledger.record(events)
        ledger.check_conservation(engine)
        depth.record(events)
        depth.check_against(engine)
        if isinstance(command, AdvanceTime) and engine.next_auction_ms != next_auction_ms:
            # A clearing ran and nothing was added after it: no crossing and no IOC is left.
            best_bid, best_ask = engine.best(Side.BUY), engine.best(Side.SELL)
            assert best_bid is None or best_ask is None or best_bid.price < best_ask.price
            assert all(o.time_in_force is TimeInForce.GTC for o in engine.open_orders())
