"""A fixed command log gives exactly the recorded, hand-checked trades, rejections and book.

``data/golden_commands.jsonl`` is a continuous market with a 0.02 USDC/kWh market-order band
(prices in USDC base units per kWh, quantities in GXT base units); ``data/golden_expected.json``
was written by the engine once and checked by hand against the rules, line by line:

- 4 (buy 0.5 kWh at 0.119) takes 0.5 of bob's 1 kWh at 0.118, the best ask;
- 5 (buy 3 at 0.121) takes bob's last 0.5 at 0.118, alice's 2 at 0.120 (older than carol's),
  then 0.5 of carol's 1.5 at 0.120;
- 6 is post-only and would cross carol's ask: rejected. 7 is a FOK for 2 kWh but only carol's
  1 kWh is within 0.130: rejected;
- 8 is carol's bid at 0.120: her own resting ask (order 3, 1 kWh left) is cancelled
  (self-trade prevention), and 8 rests; 9 (grace, sell 1 at 0.1195) then trades 0.25 at
  8's price 0.120 (maker: the buy);
- 10 is a market buy: best ask 0.1195 plus the band gives 0.1395; it takes grace's 0.75 at
  0.1195 and cancels the rest;
- 11 expires at 1600 untraded, 12 rests and is cancelled, cancelling 99 is rejected, and 13 (IOC
  sell) finds no bid;
- 16 (sell 1.5 at 0.109) fills 14 (leo, older) then 0.5 of 15 (mia) at their price 0.110,
  leaving 15 with 0.5 kWh in the book.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market import (
    AddOrder,
    AdvanceTime,
    CancelOrder,
    Command,
    CommandRejected,
    Event,
    MarketConfig,
    MatchingEngine,
    Side,
    TimeInForce,
    Trade,
)
from tests.market.factories import of_type

DATA = Path(__file__).parent / "data"
BAND_PER_KWH = 20_000


def _command(line: dict[str, Any]) -> Command:
    if line["type"] == "cancel":
        return CancelOrder(line["order_id"])
    if line["type"] == "advance":
        return AdvanceTime(line["timestamp_ms"])
    price = line["price"]
    return AddOrder(
        order_id=line["order_id"],
        owner=line["owner"],
        side=Side(line["side"]),
        price=None if price is None else PricePerKwh(price),
        quantity=GxtAmount(line["quantity"]),
        timestamp_ms=line["timestamp_ms"],
        time_in_force=TimeInForce(line.get("time_in_force", "gtc")),
        post_only=line.get("post_only", False),
        expiry_ms=line.get("expiry_ms"),
    )


def _outcome(events: list[Event], engine: MatchingEngine) -> dict[str, object]:
    return {
        "trades": [
            {
                "trade_id": trade.trade_id,
                "buy_order_id": trade.buy_order_id,
                "sell_order_id": trade.sell_order_id,
                "price": trade.price,
                "quantity": trade.quantity,
                "maker_side": None if trade.maker_side is None else trade.maker_side.value,
                "timestamp_ms": trade.timestamp_ms,
            }
            for trade in of_type(events, Trade)
        ],
        "rejections": [
            [rejection.order_id, rejection.reason.value]
            for rejection in of_type(events, CommandRejected)
        ],
        "book": [[o.order_id, o.side.value, o.price, o.remaining] for o in engine.open_orders()],
    }


def test_the_golden_command_log_gives_the_recorded_trades() -> None:
    lines = (DATA / "golden_commands.jsonl").read_text().splitlines()
    engine = MatchingEngine(MarketConfig(market_order_band_per_kwh=BAND_PER_KWH))

    events = [event for line in lines for event in engine.apply(_command(json.loads(line)))]

    expected = json.loads((DATA / "golden_expected.json").read_text())
    assert _outcome(events, engine) == expected
