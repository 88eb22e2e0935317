"""The pure strategy: balances, caps, reserves, staleness, claims and determinism, on random
inputs (hypothesis) and on hand-made cases."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from gridtokenx.agents.pricing import drawn_price, spread_half_width
from gridtokenx.agents.strategy import (
    AgentRole,
    AgentState,
    CancelAction,
    ClaimAction,
    OpenOrder,
    PlaceAction,
    StrategyParams,
    decide,
)
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.core.money import escrow_for_bid

NOW_MS = 1_795_000_000_000
NOW_S = NOW_MS // 1000
KWH = 1_000_000

PARAMS = StrategyParams(
    reference_price_per_kwh=120_000,
    spread_bps=1_500,
    reserve_price_per_kwh=100_000,
    price_cap_per_kwh=150_000,
    reserve_gxt=1 * KWH,
    min_order_gxt=10_000,
    max_order_gxt=20 * KWH,
    max_open_orders=2,
    order_max_age_s=300,
    claim_grace_s=60,
)


@st.composite
def params(draw: st.DrawFn) -> StrategyParams:
    min_order = draw(st.integers(1_000, 10**9))
    return StrategyParams(
        reference_price_per_kwh=draw(st.integers(1, 10**9)),
        spread_bps=draw(st.integers(0, 10_000)),
        reserve_price_per_kwh=draw(st.integers(1, 10**9)),
        price_cap_per_kwh=draw(st.integers(1, 10**9)),
        reserve_gxt=draw(st.integers(0, 10**12)),
        min_order_gxt=min_order,
        max_order_gxt=draw(st.integers(1_000, 10**10)),
        max_open_orders=draw(st.integers(1, 4)),
        order_max_age_s=draw(st.integers(1, 100_000)),
        claim_grace_s=draw(st.integers(0, 10_000)),
    )


@st.composite
def open_orders(draw: st.DrawFn, now_s: int) -> tuple[OpenOrder, ...]:
    ids = draw(st.lists(st.integers(1, 2**62), max_size=5, unique=True))
    orders = []
    for order_id in ids:
        side = draw(st.sampled_from(OrderSide))
        quantity = draw(st.integers(1, 10**10))
        filled = draw(st.integers(0, quantity))
        orders.append(
            OpenOrder(
                order_id=order_id,
                side=side,
                price_per_kwh=draw(st.integers(1, 10**9)),
                quantity=quantity,
                filled=filled,
                escrow=draw(st.integers(0, 10**12)),
                claimable_energy=draw(st.integers(0, 10**6) | st.just(0)),
                claimable_quote=draw(st.integers(0, 10**6) | st.just(0)),
                created_at_s=now_s - draw(st.integers(0, 200_000)),
                expiry_s=draw(st.just(0) | st.integers(now_s - 1_000, now_s + 1_000)),
            )
        )
    return tuple(orders)


@st.composite
def states(draw: st.DrawFn) -> AgentState:
    now_ms = draw(st.integers(1_700_000_000_000, 1_900_000_000_000))
    now_s = now_ms // 1000
    orders = draw(open_orders(now_s))
    since = {
        order.order_id: now_s - draw(st.integers(0, 20_000))
        for order in orders
        if order.has_claimables and draw(st.booleans())
    }
    return AgentState(
        role=draw(st.sampled_from(AgentRole)),
        identity=draw(st.binary(min_size=32, max_size=32)),
        now_ms=now_ms,
        gxt=draw(st.integers(0, 10**13)),
        usdc=draw(st.integers(0, 10**13)),
        open_orders=orders,
        uncovered_import_gxt=draw(st.integers(0, 10**11)),
        claimable_since_s=since,
        highest_order_id=draw(st.integers(0, 2**62)),
    )


seeds = st.integers(0, 2**64 - 1)


@given(states(), params(), seeds)
@settings(max_examples=400)
def test_orders_never_exceed_balances_reserves_or_caps(
    state: AgentState, strategy: StrategyParams, seed: int
) -> None:
    places = [a for a in decide(state, strategy, seed) if isinstance(a, PlaceAction)]
    assert len(places) <= 1
    for place in places:
        assert place.quantity % 1_000 == 0, "whole Wh"
        assert strategy.min_order_gxt <= place.quantity <= strategy.max_order_gxt
        assert place.price_per_kwh >= 1
        if place.side is OrderSide.SELL:
            assert state.role is AgentRole.PROSUMER
            assert place.quantity <= state.gxt - strategy.reserve_gxt
            assert place.price_per_kwh >= strategy.reserve_price_per_kwh
            assert place.escrow == place.quantity
        else:
            assert state.role is AgentRole.CONSUMER
            assert place.price_per_kwh <= strategy.price_cap_per_kwh
            assert place.escrow == escrow_for_bid(place.price_per_kwh, place.quantity)
            assert place.escrow <= state.usdc
            cancelled = {
                a.order_id for a in decide(state, strategy, seed) if isinstance(a, CancelAction)
            }
            bidding = sum(
                o.remaining
                for o in state.open_orders
                if o.side is OrderSide.BUY and o.order_id not in cancelled
            )
            assert place.quantity <= state.uncovered_import_gxt - bidding


@given(states(), params(), seeds)
@settings(max_examples=300)
def test_prices_stay_in_the_band_around_the_reference(
    state: AgentState, strategy: StrategyParams, seed: int
) -> None:
    half = spread_half_width(strategy.reference_price_per_kwh, strategy.spread_bps)
    low = max(1, strategy.reference_price_per_kwh - half)
    high = strategy.reference_price_per_kwh + half
    for action in decide(state, strategy, seed):
        if isinstance(action, PlaceAction) and action.side is OrderSide.SELL:
            assert action.price_per_kwh == max(strategy.reserve_price_per_kwh, action.price_per_kwh)
            assert low <= action.price_per_kwh <= max(high, strategy.reserve_price_per_kwh)
        elif isinstance(action, PlaceAction):
            assert min(low, strategy.price_cap_per_kwh) <= action.price_per_kwh <= high


@given(states(), params(), seeds)
@settings(max_examples=300)
def test_cancels_claims_and_ids_follow_the_rules(
    state: AgentState, strategy: StrategyParams, seed: int
) -> None:
    actions = decide(state, strategy, seed)
    assert decide(state, strategy, seed) == actions, "deterministic"
    now_s = state.now_ms // 1000
    by_id = {order.order_id: order for order in state.open_orders}
    stale = {
        o.order_id
        for o in state.open_orders
        if (o.expiry_s and now_s >= o.expiry_s)
        or now_s - o.created_at_s >= strategy.order_max_age_s
    }
    cancelled = [a.order_id for a in actions if isinstance(a, CancelAction)]
    claimed = [a.order_id for a in actions if isinstance(a, ClaimAction)]
    assert set(cancelled) == stale
    assert len(cancelled) == len(stale)
    assert not set(claimed) & set(cancelled)
    for order_id in claimed:
        order = by_id[order_id]
        assert order.has_claimables
        assert now_s - state.claimable_since_s[order_id] >= strategy.claim_grace_s
    kinds = [type(a) for a in actions]
    assert kinds == sorted(kinds, key=[CancelAction, ClaimAction, PlaceAction].index)
    places = [a for a in actions if isinstance(a, PlaceAction)]
    if places:
        assert len(state.open_orders) - len(stale) < strategy.max_open_orders
        assert places[0].order_id >= state.now_ms
        assert places[0].order_id > state.highest_order_id
        assert all(places[0].order_id > order_id for order_id in by_id)


def _prosumer(gxt: int, **changes: object) -> AgentState:
    state = AgentState(
        role=AgentRole.PROSUMER, identity=bytes(range(32)), now_ms=NOW_MS, gxt=gxt, usdc=0
    )
    return replace(state, **changes)  # type: ignore[arg-type]


def _consumer(import_wh: int, usdc: int, **changes: object) -> AgentState:
    state = AgentState(
        role=AgentRole.CONSUMER,
        identity=bytes(range(1, 33)),
        now_ms=NOW_MS,
        gxt=0,
        usdc=usdc,
        uncovered_import_gxt=import_wh * 1_000,
    )
    return replace(state, **changes)  # type: ignore[arg-type]


def _order(order_id: int, side: OrderSide, quantity: int, age_s: int, **changes: int) -> OpenOrder:
    values: dict[str, int] = {
        "price_per_kwh": 120_000,
        "filled": 0,
        "escrow": quantity,
        "claimable_energy": 0,
        "claimable_quote": 0,
        **changes,
    }
    return OpenOrder(
        order_id=order_id, side=side, quantity=quantity, created_at_s=NOW_S - age_s, **values
    )


def test_a_prosumer_sells_its_surplus_above_the_reserve() -> None:
    [place] = decide(_prosumer(5 * KWH + 123), PARAMS, seed=7)
    assert isinstance(place, PlaceAction)
    assert place.side is OrderSide.SELL
    assert place.quantity == 4 * KWH  # 5 kWh + 123 base units, less the 1 kWh reserve, whole Wh
    assert place.price_per_kwh >= PARAMS.reserve_price_per_kwh
    assert place.order_id == NOW_MS


def test_a_prosumer_at_its_reserve_or_below_the_minimum_places_nothing() -> None:
    assert decide(_prosumer(PARAMS.reserve_gxt), PARAMS, seed=7) == []
    assert decide(_prosumer(PARAMS.reserve_gxt + 9_999), PARAMS, seed=7) == []
    assert decide(_prosumer(0), PARAMS, seed=7) == []


def test_a_big_surplus_is_offered_in_orders_of_at_most_the_maximum() -> None:
    [place] = decide(_prosumer(1_000 * KWH), PARAMS, seed=7)
    assert isinstance(place, PlaceAction)
    assert place.quantity == PARAMS.max_order_gxt


def test_a_consumer_bids_its_deficit_less_what_its_open_bids_cover() -> None:
    open_bid = _order(5, OrderSide.BUY, 700_000, age_s=10)
    state = _consumer(2_000, usdc=100 * KWH, open_orders=(open_bid,), highest_order_id=NOW_MS)
    [place] = decide(state, PARAMS, seed=7)
    assert isinstance(place, PlaceAction)
    assert place.side is OrderSide.BUY
    assert place.quantity == 2_000_000 - 700_000
    assert place.price_per_kwh <= PARAMS.price_cap_per_kwh
    assert place.order_id == NOW_MS + 1, "above the highest id placed before"


def test_a_consumer_short_of_usdc_bids_what_it_can_afford() -> None:
    usdc = 50_000  # 0.05 USDC: well under 1 kWh at ~0.12 USDC/kWh
    [place] = decide(_consumer(5_000, usdc=usdc), PARAMS, seed=7)
    assert isinstance(place, PlaceAction)
    assert place.escrow <= usdc
    assert place.quantity < 5 * KWH
    bigger = place.quantity + 1_000
    assert escrow_for_bid(place.price_per_kwh, bigger) > usdc, "the most whole Wh it affords"


def test_a_consumer_without_usdc_or_import_places_nothing() -> None:
    assert decide(_consumer(5_000, usdc=0), PARAMS, seed=7) == []
    assert decide(_consumer(0, usdc=100 * KWH), PARAMS, seed=7) == []


def test_stale_and_expired_orders_are_cancelled_and_a_new_order_replaces_them() -> None:
    fresh = _order(10, OrderSide.SELL, KWH, age_s=299)
    stale = _order(11, OrderSide.SELL, KWH, age_s=300)
    expired = _order(12, OrderSide.SELL, KWH, age_s=5, expiry_s=NOW_S)
    state = _prosumer(3 * KWH, open_orders=(fresh, stale, expired))
    actions = decide(state, PARAMS, seed=7)
    assert actions[:2] == [CancelAction(11, "stale"), CancelAction(12, "expired")]
    [place] = actions[2:]
    assert isinstance(place, PlaceAction)
    assert place.quantity == 2 * KWH, "only the wallet counts; cancelled escrow comes later"


def test_no_new_order_while_the_open_orders_are_at_the_limit() -> None:
    orders = (_order(10, OrderSide.SELL, KWH, age_s=1), _order(11, OrderSide.SELL, KWH, age_s=1))
    assert decide(_prosumer(50 * KWH, open_orders=orders), PARAMS, seed=7) == []


def test_proceeds_are_claimed_only_after_the_grace() -> None:
    filled = _order(20, OrderSide.SELL, KWH, age_s=10, filled=KWH, claimable_quote=119_700)
    early = _prosumer(0, open_orders=(filled,), claimable_since_s={20: NOW_S - 59})
    assert decide(early, PARAMS, seed=7) == []
    late = replace(early, claimable_since_s={20: NOW_S - 60})
    assert decide(late, PARAMS, seed=7) == [ClaimAction(20)]
    unseen = replace(early, claimable_since_s={})
    assert decide(unseen, PARAMS, seed=7) == []


def test_the_same_seed_gives_the_same_orders_and_another_seed_other_prices() -> None:
    state = _prosumer(10 * KWH)
    assert decide(state, PARAMS, seed=1) == decide(state, PARAMS, seed=1)
    prices = {
        action.price_per_kwh
        for seed in range(20)
        for action in decide(state, PARAMS, seed)
        if isinstance(action, PlaceAction)
    }
    assert len(prices) > 10


def test_bids_and_asks_cross_sometimes_but_not_always() -> None:
    """Over 200 owners' draws with the default band, reserve and cap, some bid is at or above
    the ask it meets and some is below (the draws are hashes: no luck involved)."""
    crossed = 0
    for owner in range(200):
        identity = owner.to_bytes(32, "little")
        ask = max(PARAMS.reserve_price_per_kwh, drawn_price(120_000, 1_500, 3, identity, NOW_MS))
        buyer = (owner + 1_000).to_bytes(32, "little")
        bid = min(PARAMS.price_cap_per_kwh, drawn_price(120_000, 1_500, 3, buyer, NOW_MS))
        crossed += bid >= ask
    assert 20 < crossed < 180
