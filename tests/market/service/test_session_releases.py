"""Releases: IOC and post-only chain orders the engine finishes unfilled are named for the
settlement service to cancel on chain; GTC orders, filled orders and owner cancels never are."""

from __future__ import annotations

import json
import random

from gridtokenx.market import Side, TimeInForce
from gridtokenx.market.session import MarketSession
from gridtokenx.market.wire import AddCommand, ReleaseMessage, decode_release, encode_release
from tests.market.service.commands import CONFIG, KWH, LogWriter, address

_RNG = random.Random(3)
A, B, C = (address(_RNG) for _ in range(3))


def _session() -> tuple[LogWriter, str, MarketSession]:
    writer = LogWriter(seed=7, markets=1)
    market = writer.market_addresses[0]
    return writer, market, MarketSession(market, CONFIG)


def _order(
    writer: LogWriter,
    market: str,
    side: Side,
    price: int,
    quantity: int,
    owner: str,
    time_in_force: TimeInForce = TimeInForce.GTC,
    *,
    post_only: bool = False,
) -> AddCommand:
    """An order without expiry whose terms the test states."""
    return writer.add(
        market,
        side=side,
        price=price,
        quantity=quantity,
        owner=owner,
        time_in_force=time_in_force,
        post_only=post_only,
        expiry_s=0,
    )


def test_the_rest_of_an_ioc_order_is_released_after_its_trade() -> None:
    writer, market, session = _session()
    ask = _order(writer, market, Side.SELL, 100, KWH, A)
    bid = _order(writer, market, Side.BUY, 100, 3 * KWH, B, TimeInForce.IOC)
    assert session.apply(ask, 0).releases == []
    outcome = session.apply(bid, 1)
    [trade] = outcome.trades
    assert outcome.releases == [
        ReleaseMessage(market, bid.order, bid.owner, "unfilled_remainder", trade.trade_id, 1, 1)
    ]
    [release] = outcome.releases
    assert decode_release(encode_release(release)) == release


def test_a_fully_filled_ioc_order_and_a_gtc_rest_are_not_released() -> None:
    writer, market, session = _session()
    ask = _order(writer, market, Side.SELL, 100, 2 * KWH, A)
    ioc = _order(writer, market, Side.BUY, 100, KWH, B, TimeInForce.IOC)
    gtc = _order(writer, market, Side.BUY, 100, 3 * KWH, C)
    session.apply(ask, 0)
    assert session.apply(ioc, 1).releases == []
    outcome = session.apply(gtc, 2)
    assert len(outcome.trades) == 1
    assert outcome.releases == []


def test_a_post_only_order_that_would_take_is_released_and_one_that_rests_is_not() -> None:
    writer, market, session = _session()
    ask = _order(writer, market, Side.SELL, 100, KWH, A)
    crossing = _order(writer, market, Side.BUY, 100, KWH, B, post_only=True)
    resting = _order(writer, market, Side.BUY, 99, KWH, B, post_only=True)
    session.apply(ask, 0)
    outcome = session.apply(crossing, 1)
    assert outcome.trades == []
    assert outcome.releases == [
        ReleaseMessage(market, crossing.order, crossing.owner, "post_only_would_cross", 0, 1, 1)
    ]
    assert session.apply(resting, 2).releases == []
    assert resting.order in session.live_orders()
    # The owner's own cancel closes it on chain: nothing to release.
    cancel = writer.cancel(market)
    cancel = type(cancel)(
        market, resting.order, resting.owner, cancel.timestamp_ms, cancel.slot + 1, cancel.signature
    )
    assert session.apply(cancel, 3).releases == []


def test_releasable_orders_survive_a_snapshot() -> None:
    writer, market, session = _session()
    resting = _order(writer, market, Side.BUY, 99, KWH, B, post_only=True)
    session.apply(resting, 0)
    restored = MarketSession.restore(json.loads(json.dumps(session.snapshot())))
    # Self-trade prevention cancels the resting post-only order when its owner takes.
    taker = _order(writer, market, Side.SELL, 99, KWH, B)
    for each in (session, restored):
        outcome = each.apply(taker, 1)
        assert [(r.order, r.reason) for r in outcome.releases] == [
            (resting.order, "self_trade_prevention")
        ]


def test_a_snapshot_from_before_releases_restores_with_nothing_releasable() -> None:
    writer, market, session = _session()
    add = _order(writer, market, Side.BUY, 99, KWH, B, post_only=True)
    session.apply(add, 0)
    old = session.snapshot()
    del old["last_trade_id"]
    for order in old["orders"]:  # type: ignore[attr-defined]
        del order["releasable"]
    restored = MarketSession.restore(old)
    assert restored.live_orders()[add.order].releasable is False
