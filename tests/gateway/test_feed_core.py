"""The market-data feed's pure core: books from the matcher's deltas, candles, 24-hour
statistics, channel names, and the sequence rule the gateway workers and clients rely on."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridtokenx.core.money import payment_for_fill
from gridtokenx.gateway.feed.candles import Candle
from gridtokenx.gateway.feed.channels import CANDLE_INTERVALS_MS, Channel, ChannelKind
from gridtokenx.gateway.feed.errors import ChannelNameError
from gridtokenx.gateway.feed.state import MarketFeed, Update
from gridtokenx.gateway.feed.stats import MINUTE_MS, WINDOW_MS, stats_24h
from gridtokenx.gateway.feed.views import Applied, BookView, ChannelView, new_view
from gridtokenx.market import Side
from gridtokenx.market.wire import BookDeltaMessage, LevelDelta, TradeMessage
from tests.market.service.commands import START_MS, LogWriter, Reference

MARKET = "So11111111111111111111111111111111111111112"


def new_feed(market: str = MARKET, recent_trades: int = 50) -> MarketFeed:
    return MarketFeed(market, recent_trades=recent_trades, candles_kept=1_500)


def matcher_run(seed: int, commands: int) -> Reference:
    writer = LogWriter(seed, markets=1, owners=4)
    reference = Reference()
    for offset, command in enumerate(writer.burst(commands)):
        reference.apply(command, 0, offset)
    return reference


def engine_levels(reference: Reference) -> dict[str, object]:
    (session,) = reference.sessions.values()
    return {
        "bids": [level._asdict() for level in session.engine.depth(Side.BUY)],
        "asks": [level._asdict() for level in session.engine.depth(Side.SELL)],
        "complete": True,
    }


def follower(channel: str) -> ChannelView:
    return new_view(Channel.parse(channel), recent_trades=50, candles_kept=1_500)


# Book --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), commands=st.integers(1, 120))
def test_the_book_from_deltas_equals_the_matchers_book(seed: int, commands: int) -> None:
    reference = matcher_run(seed, commands)
    (market,) = reference.sessions
    feed = new_feed(market)
    updates = [update for delta in reference.deltas for update in feed.apply_book_delta(delta)]
    assert feed.book.levels() == engine_levels(reference)
    assert feed.gaps == 0
    # A worker that applies the published updates holds the same book and sequence.
    view = follower(f"book:{market}")
    for update in updates:
        assert view.apply(update.previous, update.sequence, update.data) is Applied.APPLIED
    assert view.snapshot() == feed.book.snapshot()
    assert (
        view.sequence
        == feed.book.sequence
        == (reference.deltas[-1].last_sequence if reference.deltas else 0)
    )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), commands=st.integers(5, 120), data=st.data())
def test_a_follower_that_misses_updates_sees_a_gap_and_a_snapshot_restores_it(
    seed: int, commands: int, data: st.DataObject
) -> None:
    reference = matcher_run(seed, commands)
    (market,) = reference.sessions
    feed = new_feed(market)
    view = follower(f"book:{market}")
    for delta in reference.deltas:
        for update in feed.apply_book_delta(delta):
            delivered = data.draw(st.booleans(), label="delivered")
            if (
                delivered
                and view.apply(update.previous, update.sequence, update.data) is Applied.GAP
            ):
                snapshot = json.loads(json.dumps(feed.book.snapshot()))
                view.load(feed.book.sequence, snapshot)
    if view.sequence != feed.book.sequence:
        view.load(feed.book.sequence, feed.book.snapshot())
    assert view.snapshot() == engine_levels(reference)


def test_a_repeated_record_changes_nothing_and_a_missing_one_marks_the_book_incomplete() -> None:
    reference = matcher_run(7, 200)
    deltas = reference.deltas
    assert len(deltas) >= 3
    feed = new_feed(next(iter(reference.sessions)))
    feed.apply_book_delta(deltas[0])
    assert feed.apply_book_delta(deltas[0]) == []
    (update,) = feed.apply_book_delta(deltas[2])
    assert feed.gaps == 1
    assert update.data["complete"] is False
    assert feed.book.snapshot()["complete"] is False


def test_a_level_of_quantity_zero_is_gone() -> None:
    feed = new_feed()
    level = BookDeltaMessage(MARKET, 0, 1, 0, ())
    feed.apply_book_delta(level)
    feed.apply_book_delta(BookDeltaMessage(MARKET, 1, 2, 1, (LevelDelta(2, Side.BUY, 10, 5, 1),)))
    assert feed.book.levels()["bids"] == [{"price": 10, "quantity": 5, "order_count": 1}]
    feed.apply_book_delta(BookDeltaMessage(MARKET, 2, 3, 2, (LevelDelta(3, Side.BUY, 10, 0, 0),)))
    assert feed.book.levels() == {"bids": [], "asks": [], "complete": True}


# Trades and candles ------------------------------------------------------------------------------

trade_lists = st.lists(
    st.tuples(
        st.integers(0, 3 * 24 * 3600 * 1000),  # time step
        st.integers(1, 10**7),  # price
        st.integers(1, 10**9),  # quantity
        st.sampled_from([Side.BUY, Side.SELL, None]),
    ),
    min_size=1,
    max_size=80,
).map(lambda steps: _trades(steps))


def _trades(steps: list[tuple[int, int, int, Side | None]]) -> list[TradeMessage]:
    trades, now = [], START_MS
    for trade_id, (step, price, quantity, maker) in enumerate(steps, start=1):
        now += step % (6 * 3600 * 1000) if trade_id % 3 else step % 90_000
        trades.append(
            TradeMessage(
                market=MARKET,
                trade_id=trade_id,
                sequence=trade_id * 3,
                buy_order="B" * 43,
                sell_order="S" * 43,
                buyer="U" * 43,
                seller="V" * 43,
                price=price,
                quantity=quantity,
                maker_side=maker,
                timestamp_ms=now,
                command_offset=trade_id,
                buy_order_offset=0,
                sell_order_offset=0,
            )
        )
    return trades


def naive_candles(trades: list[TradeMessage], interval_ms: int) -> list[dict[str, int]]:
    buckets: dict[int, list[TradeMessage]] = defaultdict(list)
    for trade in trades:
        buckets[trade.timestamp_ms // interval_ms * interval_ms].append(trade)
    return [
        {
            "open_time_ms": open_ms,
            "open": group[0].price,
            "high": max(trade.price for trade in group),
            "low": min(trade.price for trade in group),
            "close": group[-1].price,
            "volume": sum(trade.quantity for trade in group),
            "quote_volume": sum(payment_for_fill(trade.price, trade.quantity) for trade in group),
            "trade_count": len(group),
        }
        for open_ms, group in sorted(buckets.items())
    ]


def split(trades: list[TradeMessage], cuts: list[int]) -> list[list[TradeMessage]]:
    bounds = sorted({0, len(trades), *(cut % (len(trades) + 1) for cut in cuts)})
    return [trades[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=80, deadline=None)
@given(trades=trade_lists, cuts=st.lists(st.integers(0, 100), max_size=6))
def test_candles_fold_like_a_naive_grouping_in_any_batching(
    trades: list[TradeMessage], cuts: list[int]
) -> None:
    feed = new_feed()
    followers = {channel: follower(channel) for channel in feed.views()}
    for batch in split(trades, cuts):
        for update in feed.apply_trades(batch):
            assert (
                followers[update.channel].apply(update.previous, update.sequence, update.data)
                is Applied.APPLIED
            )
    for interval, interval_ms in CANDLE_INTERVALS_MS.items():
        got = [candle.to_json() for candle in feed.candles[interval].between(None, None)]
        assert got == naive_candles(trades, interval_ms), interval
    for channel, view in feed.views().items():
        assert followers[channel].snapshot() == view.snapshot(), channel
        assert followers[channel].sequence == view.sequence
    assert feed.trades.sequence == trades[-1].trade_id
    assert [trade["trade_id"] for trade in feed.trades.recent(10)] == [
        trade.trade_id for trade in reversed(trades[-10:])
    ]
    # Trades again (a re-read topic) change nothing.
    assert feed.apply_trades(trades) == []


def test_the_public_tape_names_no_order_owner_or_wallet() -> None:
    trades = _trades([(1000, 120_000, 2_000_000, Side.SELL), (1000, 121_000, 1, None)])
    feed = new_feed()
    updates = feed.apply_trades(trades)
    text = json.dumps([update.to_json() for update in updates])
    text += json.dumps([view.snapshot() for view in feed.views().values()])
    for secret in ("B" * 43, "S" * 43, "U" * 43, "V" * 43):
        assert secret not in text
    assert feed.trades.recent(2) == [
        {"trade_id": 2, "price": 121_000, "quantity": 1, "taker_side": None,
         "timestamp_ms": trades[1].timestamp_ms},
        {"trade_id": 1, "price": 120_000, "quantity": 2_000_000, "taker_side": "buy",
         "timestamp_ms": trades[0].timestamp_ms},
    ]  # fmt: skip


# 24-hour statistics ------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(trades=trade_lists, later_ms=st.integers(0, 2 * WINDOW_MS))
def test_stats_cover_the_trades_of_the_last_1440_minutes(
    trades: list[TradeMessage], later_ms: int
) -> None:
    feed = new_feed()
    feed.apply_trades(trades)
    now_ms = trades[-1].timestamp_ms + later_ms
    start = now_ms // MINUTE_MS * MINUTE_MS + MINUTE_MS - WINDOW_MS
    window = [trade for trade in trades if trade.timestamp_ms >= start]
    stats = stats_24h(feed.candles["1m"].candles.values(), now_ms, feed.last_price)
    assert stats["last_price"] == trades[-1].price
    assert stats["volume"] == sum(trade.quantity for trade in window)
    assert stats["trade_count"] == len(window)
    assert stats["quote_volume"] == sum(payment_for_fill(t.price, t.quantity) for t in window)
    if window:
        assert stats["open"] == window[0].price
        assert stats["close"] == window[-1].price
        assert stats["high"] == max(trade.price for trade in window)
        assert stats["low"] == min(trade.price for trade in window)
        assert stats["change"] == window[-1].price - window[0].price
    else:
        assert stats["open"] is stats["close"] is stats["change"] is None


def test_stats_refresh_publishes_only_a_change_with_a_larger_sequence() -> None:
    feed = new_feed()
    trades = _trades([(0, 100, 5, Side.BUY)])
    feed.apply_trades(trades)
    first = feed.stats.sequence
    assert feed.refresh_stats(trades[0].timestamp_ms) == []
    (update,) = feed.refresh_stats(trades[0].timestamp_ms + WINDOW_MS + MINUTE_MS)
    assert update.sequence > first
    assert update.data["trade_count"] == 0
    assert update.data["last_price"] == 100


# Channels and the sequence rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "channel"),
    [
        (f"book:{MARKET}", Channel(ChannelKind.BOOK, MARKET)),
        (f"trades:{MARKET}", Channel(ChannelKind.TRADES, MARKET)),
        (f"stats:{MARKET}", Channel(ChannelKind.STATS, MARKET)),
        (f"candles:{MARKET}:15m", Channel(ChannelKind.CANDLES, MARKET, "15m")),
    ],
)
def test_channel_names_round_trip(name: str, channel: Channel) -> None:
    assert Channel.parse(name) == channel
    assert channel.name == name


@pytest.mark.parametrize(
    "name",
    [
        "book",
        f"user:{MARKET}",
        "book:not-an-address",
        f"candles:{MARKET}",
        f"candles:{MARKET}:2m",
        f"book:{MARKET}:1m",
        f"trades:{MARKET}0OIl",
        "x" * 200,
    ],
)
def test_bad_channel_names_are_refused(name: str) -> None:
    with pytest.raises(ChannelNameError):
        Channel.parse(name)


def test_the_sequence_rule() -> None:
    view = BookView()
    data = {"levels": [{"side": "sell", "price": 5, "quantity": 1, "order_count": 1}],
            "complete": True}  # fmt: skip
    assert view.apply(3, 7, data) is Applied.GAP
    assert view.apply(0, 7, data) is Applied.APPLIED
    assert view.apply(0, 7, data) is Applied.STALE
    assert view.apply(5, 6, data) is Applied.STALE
    assert view.sequence == 7
    assert Update("c", 0, 7, data).to_json()["type"] == "update"


def test_candle_json_round_trips() -> None:
    candle = Candle(60_000, 1, 3, 1, 2, 10, 0, 2)
    assert Candle.from_json(candle.to_json()) == candle
