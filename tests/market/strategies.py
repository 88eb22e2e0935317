"""Hypothesis strategies for market commands: few owners, ids and prices, so orders collide."""

from __future__ import annotations

from hypothesis import strategies as st

from gridtokenx.market import AddOrder, AdvanceTime, CancelOrder, Command, Side, TimeInForce
from tests.market.factories import order

OWNERS = ("alice", "bob", "carol")
MAX_ORDER_ID = 40

sides = st.sampled_from([Side.BUY, Side.SELL])
owners = st.sampled_from(OWNERS)
prices = st.integers(95, 105)
quantities = st.integers(1, 20)
order_ids = st.integers(1, MAX_ORDER_ID)


@st.composite
def add_orders(draw: st.DrawFn, *, auction: bool, timestamp_ms: int) -> AddOrder:
    """A well-typed order; in continuous mode also market, IOC, FOK and post-only orders."""
    time_in_forces = [TimeInForce.GTC, TimeInForce.IOC]
    if not auction:
        time_in_forces.append(TimeInForce.FOK)
    time_in_force = draw(st.sampled_from(time_in_forces))
    is_market = not auction and time_in_force is not TimeInForce.GTC and draw(st.booleans())
    lifetime_ms = draw(st.none() | st.integers(1, 1_500))
    return order(
        draw(order_ids),
        draw(sides),
        None if is_market else draw(prices),
        draw(quantities),
        owner=draw(owners),
        timestamp_ms=timestamp_ms,
        time_in_force=time_in_force,
        post_only=not auction and time_in_force is TimeInForce.GTC and draw(st.booleans()),
        expiry_ms=None if lifetime_ms is None else timestamp_ms + lifetime_ms,
    )


@st.composite
def commands(draw: st.DrawFn, *, auction: bool, max_size: int = 60) -> list[Command]:
    """A command log: adds, cancels and clock moves, mostly in time order like a real one.

    The clock moves by -50..400 ms per command, so some timestamps go back and are rejected,
    and auction logs cross several interval boundaries.
    """
    log: list[Command] = []
    now_ms = 0
    for _ in range(draw(st.integers(0, max_size))):
        now_ms = max(0, now_ms + draw(st.integers(-50, 400)))
        kind = draw(st.sampled_from(["add", "add", "add", "cancel", "advance"]))
        if kind == "add":
            log.append(draw(add_orders(auction=auction, timestamp_ms=now_ms)))
        elif kind == "cancel":
            log.append(CancelOrder(draw(order_ids)))
        else:
            log.append(AdvanceTime(now_ms))
    return log
