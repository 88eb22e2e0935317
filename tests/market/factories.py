"""Builders for the market tests: commands with readable defaults, and event filters."""

from __future__ import annotations

from typing import TypeVar

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market import (
    AddOrder,
    Event,
    MarketConfig,
    MarketMode,
    MatchingEngine,
    Side,
    TimeInForce,
    Trade,
)

_E = TypeVar("_E")

KWH = 1_000_000
"""GXT base units in one kWh."""

BAND = 10
"""The market-order protection band of the test markets, USDC base units per kWh."""

INTERVAL_MS = 1_000
"""The auction interval of the test auction markets."""


def order(
    order_id: int,
    side: Side,
    price: int | None,
    quantity: int,
    *,
    owner: str = "alice",
    timestamp_ms: int = 0,
    time_in_force: TimeInForce = TimeInForce.GTC,
    post_only: bool = False,
    expiry_ms: int | None = None,
) -> AddOrder:
    """An ``AddOrder``; ``price=None`` is a market order."""
    return AddOrder(
        order_id=order_id,
        owner=owner,
        side=side,
        price=None if price is None else PricePerKwh(price),
        quantity=GxtAmount(quantity),
        timestamp_ms=timestamp_ms,
        time_in_force=time_in_force,
        post_only=post_only,
        expiry_ms=expiry_ms,
    )


def continuous_engine(band: int = BAND) -> MatchingEngine:
    return MatchingEngine(MarketConfig(market_order_band_per_kwh=band))


def auction_engine() -> MatchingEngine:
    return MatchingEngine(
        MarketConfig(
            market_order_band_per_kwh=BAND,
            mode=MarketMode.AUCTION,
            auction_interval_ms=INTERVAL_MS,
        )
    )


def of_type(events: list[Event], kind: type[_E]) -> list[_E]:
    """The events of exactly type ``kind``, in order."""
    return [event for event in events if type(event) is kind]


def fills(events: list[Event]) -> list[tuple[int, int, int, int]]:
    """``(buy_order_id, sell_order_id, price, quantity)`` of each trade, in order."""
    return [
        (trade.buy_order_id, trade.sell_order_id, trade.price, trade.quantity)
        for trade in of_type(events, Trade)
    ]


def summaries(events: list[Event]) -> list[tuple[object, ...]]:
    """Each event as ``(type name, fields...)`` without its sequence, for readable asserts."""
    return [(type(event).__name__, *event[1:]) for event in events]
