"""The order routes' pure rules: bounds, what an order takes from the wallet, balance checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.config import OrderBoundsSettings
from gridtokenx.core.money import escrow_for_bid
from gridtokenx.gateway.order_errors import (
    ExpiryOutOfBoundsError,
    InsufficientBalanceError,
    PriceOutOfBoundsError,
    QuantityOutOfBoundsError,
)
from gridtokenx.gateway.order_rules import (
    Holdings,
    Needs,
    check_holdings,
    check_order,
    order_id_candidates,
    order_needs,
    transaction_fee,
)

BOUNDS = OrderBoundsSettings(
    tick_per_kwh=1_000,
    lot_gxt_base_units=1_000,
    min_price_per_kwh=1_000,
    max_price_per_kwh=1_000_000,
    min_quantity_gxt_base_units=1_000,
    max_quantity_gxt_base_units=50_000_000,
    max_expiry_s=3_600,
)
NOW_S = 1_800_000_000


@given(
    price=st.integers(1, 2_000_000),
    quantity=st.integers(1, 60_000_000),
    expiry=st.one_of(st.just(0), st.integers(NOW_S - 10, NOW_S + 4_000)),
)
def test_an_order_passes_exactly_when_every_bound_holds(
    price: int, quantity: int, expiry: int
) -> None:
    price_ok = 1_000 <= price <= 1_000_000 and price % 1_000 == 0
    quantity_ok = 1_000 <= quantity <= 50_000_000 and quantity % 1_000 == 0
    expiry_ok = expiry == 0 or NOW_S < expiry <= NOW_S + 3_600
    try:
        check_order(BOUNDS, price=price, quantity=quantity, expiry_s=expiry, now_s=NOW_S)
    except PriceOutOfBoundsError:
        assert not price_ok
    except QuantityOutOfBoundsError:
        assert price_ok
        assert not quantity_ok
    except ExpiryOutOfBoundsError:
        assert price_ok
        assert quantity_ok
        assert not expiry_ok
    else:
        assert price_ok
        assert quantity_ok
        assert expiry_ok


def test_bound_errors_name_the_bound() -> None:
    with pytest.raises(PriceOutOfBoundsError) as low:
        check_order(BOUNDS, price=999, quantity=1_000, expiry_s=0, now_s=NOW_S)
    assert low.value.details == {"min": 1_000, "max": 1_000_000, "got": 999}
    with pytest.raises(PriceOutOfBoundsError) as tick:
        check_order(BOUNDS, price=1_500, quantity=1_000, expiry_s=0, now_s=NOW_S)
    assert tick.value.details == {"tick": 1_000, "got": 1_500}
    with pytest.raises(QuantityOutOfBoundsError) as lot:
        check_order(BOUNDS, price=1_000, quantity=1_001, expiry_s=0, now_s=NOW_S)
    assert lot.value.details == {"lot": 1_000, "got": 1_001}


@given(price=st.integers(1, 10**9), quantity=st.integers(1, 10**12), rent=st.integers(0, 10**7))
def test_a_buy_locks_the_rounded_up_notional_and_a_sell_its_quantity(
    price: int, quantity: int, rent: int
) -> None:
    buy = order_needs(
        side="buy", price=price, quantity=quantity, rent_lamports=rent, fee_lamports=5_000
    )
    assert buy == Needs(lamports=rent + 5_000, asset="usdc", amount=escrow_for_bid(price, quantity))
    assert buy.amount * 10**6 >= price * quantity > (buy.amount - 1) * 10**6
    sell = order_needs(
        side="sell", price=price, quantity=quantity, rent_lamports=rent, fee_lamports=5_000
    )
    assert sell == Needs(lamports=rent + 5_000, asset="gxt", amount=quantity)


@given(
    needed=st.integers(0, 10**9),
    held=st.one_of(st.none(), st.integers(0, 10**9)),
    lamports_needed=st.integers(0, 10**9),
    lamports=st.integers(0, 10**9),
)
def test_holdings_suffice_exactly_when_both_cover_the_needs(
    needed: int, held: int | None, lamports_needed: int, lamports: int
) -> None:
    needs = Needs(lamports=lamports_needed, asset="usdc", amount=needed)
    holdings = Holdings(lamports=lamports, gxt=None, usdc=held)
    token_ok = needed == 0 or (held is not None and held >= needed)
    lamports_ok = lamports >= lamports_needed
    if token_ok and lamports_ok:
        check_holdings(needs, holdings)
        return
    with pytest.raises(InsufficientBalanceError) as refused:
        check_holdings(needs, holdings)
    if not token_ok:
        assert refused.value.details == {"asset": "usdc", "needed": needed, "held": held or 0}
    else:
        assert refused.value.details == {
            "asset": "sol",
            "needed": lamports_needed,
            "held": lamports,
        }


def test_the_fee_counts_signatures_and_the_rounded_up_priority_fee() -> None:
    assert transaction_fee(1, 60_000, 0) == 5_000
    assert transaction_fee(1, 60_000, 1) == 5_000 + 1  # 0.06 lamports rounds up to 1
    assert transaction_fee(2, 200_000, 10_000) == 10_000 + 2_000


def test_order_ids_start_at_the_time_and_count_up() -> None:
    assert order_id_candidates(1_700_000_000_123, 3) == [
        1_700_000_000_123,
        1_700_000_000_124,
        1_700_000_000_125,
    ]
