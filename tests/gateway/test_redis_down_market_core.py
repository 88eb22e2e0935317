"""The market-data fallback's pure core: PostgreSQL rows into the views the routes render
(Hypothesis). The rows themselves and the routes: test_redis_down_market.py."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.gateway.feed.candles import Candle
from gridtokenx.gateway.market_fallback import (
    LevelRow,
    TradeRow,
    book_view,
    candles_view,
    trades_view,
)

_levels = st.lists(
    st.builds(
        LevelRow,
        side=st.sampled_from(["buy", "sell"]),
        price=st.integers(1, 50),
        quantity=st.integers(-5, 10**9),
        order_count=st.integers(1, 9),
    ),
    unique_by=lambda level: (level.side, level.price),
)


@given(_levels)
def test_the_book_holds_every_positive_level_best_first(levels: list[LevelRow]) -> None:
    book = book_view(levels).levels()
    kept = [level for level in levels if level.quantity > 0]
    bids = sorted((lv for lv in kept if lv.side == "buy"), key=lambda lv: -lv.price)
    asks = sorted((lv for lv in kept if lv.side == "sell"), key=lambda lv: lv.price)
    assert book["bids"] == [
        {"price": lv.price, "quantity": lv.quantity, "order_count": lv.order_count} for lv in bids
    ]
    assert book["asks"] == [
        {"price": lv.price, "quantity": lv.quantity, "order_count": lv.order_count} for lv in asks
    ]
    assert book["complete"] is True


@given(st.sets(st.integers(1, 10**6), max_size=40), st.integers(1, 30))
def test_the_tape_keeps_the_newest_trades_at_the_last_trade_id(ids: set[int], kept: int) -> None:
    rows = [TradeRow(trade_id, trade_id % 7 + 1, 1_000, trade_id * 10) for trade_id in ids]
    view = trades_view(sorted(rows, key=lambda row: -row.trade_id), kept)
    newest = sorted(ids, reverse=True)[:kept]
    assert [trade["trade_id"] for trade in view.recent(kept)] == newest
    assert {trade["taker_side"] for trade in view.recent(kept)} <= {None}
    assert view.sequence == (max(ids) if ids else 0)


@given(st.sets(st.integers(0, 10**4), max_size=30), st.integers(1, 40), st.integers(1, 10**6))
def test_candles_keep_the_newest_by_open_time(opens: set[int], kept: int, sequence: int) -> None:
    candles = [Candle(open_ms * 60_000, 5, 6, 4, 5, 10, 50, 1) for open_ms in opens]
    view = candles_view("1m", candles, kept, sequence)
    assert [candle.open_time_ms // 60_000 for candle in view.between(None, None)] == sorted(opens)[
        -kept:
    ]
    assert view.sequence == (sequence if opens else 0)
