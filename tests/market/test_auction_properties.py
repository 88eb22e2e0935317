"""Property tests of the uniform-price auction against a brute-force search over all prices."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gridtokenx.market import AddOrder, AdvanceTime, AuctionCleared, OpenOrder, Side, Trade
from tests.market.factories import INTERVAL_MS, auction_engine, of_type
from tests.market.strategies import add_orders

# Orders without expiry, so that the book at the boundary is the book the test inspects before.
auction_orders = st.lists(
    add_orders(auction=True, timestamp_ms=0).map(lambda command: command._replace(expiry_ms=None)),
    max_size=30,
)


def _volume(book: list[OpenOrder], price: int) -> int:
    demand = sum(o.remaining for o in book if o.side is Side.BUY and o.price >= price)
    supply = sum(o.remaining for o in book if o.side is Side.SELL and o.price <= price)
    return min(demand, supply)


def _priority(order: OpenOrder) -> tuple[int, int]:
    return (-order.price if order.side is Side.BUY else order.price, order.arrival)


@settings(max_examples=200, deadline=None)
@given(auction_orders)
def test_the_auction_clears_at_the_volume_maximising_midpoint_by_price_time_priority(
    orders: list[AddOrder],
) -> None:
    engine = auction_engine()
    for command in orders:
        engine.apply(command)
    book = engine.open_orders()
    owners = {o.order_id: o.owner for o in book}
    limits = {o.order_id: o.price for o in book}

    # Brute force: the executable volume at every integer price around the book's prices.
    all_prices: list[int] = [o.price for o in book] or [1]
    volumes = {p: _volume(book, p) for p in range(min(all_prices) - 1, max(all_prices) + 2)}
    best_volume = max(volumes.values())
    best_prices = [p for p, volume in volumes.items() if volume == best_volume]
    indicative = engine.indicative_auction()
    assert indicative.volume == best_volume
    if best_volume:
        assert best_prices == list(range(best_prices[0], best_prices[-1] + 1))
        assert indicative.price == (best_prices[0] + best_prices[-1]) // 2
    else:
        assert indicative.price is None

    events = engine.apply(AdvanceTime(INTERVAL_MS))

    trades = of_type(events, Trade)
    if book:
        (cleared,) = of_type(events, AuctionCleared)
        assert (cleared.price, cleared.volume) == (indicative.price, best_volume)
    assert sum(trade.quantity for trade in trades) == best_volume
    filled = dict.fromkeys(owners, 0)
    for trade in trades:
        assert trade.price == indicative.price
        assert limits[trade.sell_order_id] <= trade.price <= limits[trade.buy_order_id]
        assert owners[trade.buy_order_id] != owners[trade.sell_order_id]
        filled[trade.buy_order_id] += trade.quantity
        filled[trade.sell_order_id] += trade.quantity
    # On each side, fills follow price-time priority: full fills, at most one partial, then none.
    for side in (Side.BUY, Side.SELL):
        ranked = sorted((o for o in book if o.side is side), key=_priority)
        shares = [(filled[o.order_id], o.remaining) for o in ranked]
        full = [share == remaining for share, remaining in shares]
        first_not_full = full.index(False) if False in full else len(full)
        assert all(full[:first_not_full])
        assert all(share == 0 for share, _ in shares[first_not_full + 1 :])
    best_bid, best_ask = engine.best(Side.BUY), engine.best(Side.SELL)
    assert best_bid is None or best_ask is None or best_bid.price < best_ask.price
    assert all(o.time_in_force == "gtc" for o in engine.open_orders())


@settings(max_examples=100, deadline=None)
@given(auction_orders)
def test_no_owner_ever_has_a_bid_and_an_ask_that_cross(orders: list[AddOrder]) -> None:
    engine = auction_engine()
    for command in orders:
        engine.apply(command)
        book = engine.open_orders()
        for bid in (o for o in book if o.side is Side.BUY):
            assert all(
                ask.price > bid.price
                for ask in book
                if ask.side is Side.SELL and ask.owner == bid.owner
            )
