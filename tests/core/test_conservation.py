"""No base unit is created or destroyed across escrow, fills, fees and refunds.

The model below moves balances between accounts the way the settlement programs will, with
checked u64 arithmetic, and checks after every step that the totals of USDC and GXT are
unchanged and no balance went negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core import (
    U64_MAX,
    Rounding,
    U64OverflowError,
    checked_add_u64,
    checked_sub_u64,
    escrow_for_bid,
    payment_for_fill,
    quote_amount,
    split_fee,
)

M = 10**6


@dataclass(frozen=True)
class Scenario:
    bid_price_per_kwh: int
    order_gxt: int
    fee_bps: int
    fills: list[tuple[int, int]]  # (price_per_kwh <= bid, gxt_amount), total <= order_gxt


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    bid = draw(st.one_of(st.integers(0, 10**7), st.integers(0, U64_MAX)))
    # The largest order whose escrow still fits a u64 at this bid.
    largest = U64_MAX if bid == 0 else min(U64_MAX, U64_MAX * M // bid)
    order = draw(st.one_of(st.integers(0, min(largest, 10**12)), st.integers(0, largest)))
    fills: list[tuple[int, int]] = []
    remaining = order
    for _ in range(draw(st.integers(0, 12))):
        if remaining == 0:
            break
        quantity = draw(st.one_of(st.integers(1, min(remaining, 3 * M)), st.integers(1, remaining)))
        price = draw(st.one_of(st.just(bid), st.integers(0, bid)))
        fills.append((price, quantity))
        remaining -= quantity
    fee_bps = draw(st.integers(0, 10_000))
    return Scenario(bid, order, fee_bps, fills)


class Ledger:
    """Balances in base units, moved only by checked u64 transfers."""

    def __init__(self, **balances: int) -> None:
        self.balances = dict(balances)
        self.total = sum(balances.values())

    def transfer(self, source: str, destination: str, amount: int) -> None:
        self.balances[source] = checked_sub_u64(self.balances[source], amount)
        self.balances[destination] = checked_add_u64(self.balances[destination], amount)
        assert sum(self.balances.values()) == self.total


def settle(scenario: Scenario) -> tuple[Ledger, Ledger]:
    """Lock, fill, take fees, refund; returns the USDC and GXT ledgers at the end."""
    escrow = escrow_for_bid(scenario.bid_price_per_kwh, scenario.order_gxt)
    usdc = Ledger(buyer=escrow, bid_escrow=0, seller=0, fee_vault=0)
    gxt = Ledger(seller=scenario.order_gxt, ask_escrow=0, buyer=0)
    usdc.transfer("buyer", "bid_escrow", escrow)
    gxt.transfer("seller", "ask_escrow", scenario.order_gxt)
    for price, quantity in scenario.fills:
        assert price <= scenario.bid_price_per_kwh
        paid = payment_for_fill(price, quantity)
        net, fee = split_fee(paid, scenario.fee_bps)
        # checked_sub_u64 in transfer raises if the escrow could not cover the fill.
        usdc.transfer("bid_escrow", "seller", net)
        usdc.transfer("bid_escrow", "fee_vault", fee)
        gxt.transfer("ask_escrow", "buyer", quantity)
    usdc.transfer("bid_escrow", "buyer", usdc.balances["bid_escrow"])
    gxt.transfer("ask_escrow", "seller", gxt.balances["ask_escrow"])
    return usdc, gxt


@given(scenarios())
def test_escrow_fill_fee_refund_conserves_every_base_unit(scenario: Scenario) -> None:
    usdc, gxt = settle(scenario)
    escrow = escrow_for_bid(scenario.bid_price_per_kwh, scenario.order_gxt)
    paid = [payment_for_fill(price, quantity) for price, quantity in scenario.fills]
    filled = sum(quantity for _, quantity in scenario.fills)
    refund = escrow - sum(paid)
    assert refund >= 0
    assert usdc.balances == {
        "buyer": refund,
        "bid_escrow": 0,
        "seller": sum(split_fee(amount, scenario.fee_bps)[0] for amount in paid),
        "fee_vault": sum(split_fee(amount, scenario.fee_bps)[1] for amount in paid),
    }
    assert usdc.balances["seller"] + usdc.balances["fee_vault"] + refund == escrow
    assert gxt.balances == {"seller": scenario.order_gxt - filled, "ask_escrow": 0, "buyer": filled}


@given(scenarios())
def test_the_proof_chain_holds_for_every_prefix_of_fills(scenario: Scenario) -> None:
    bid, order = scenario.bid_price_per_kwh, scenario.order_gxt
    escrow = escrow_for_bid(bid, order)
    paid_so_far = filled_so_far = at_bid_so_far = 0
    for price, quantity in scenario.fills:
        paid_so_far += payment_for_fill(price, quantity)
        at_bid_so_far += payment_for_fill(bid, quantity)
        filled_so_far += quantity
        # sum floor(p_i q_i / M) <= sum floor(b q_i / M) <= floor(b sum q_i / M)
        #                        <= floor(b Q / M) <= ceil(b Q / M)
        assert paid_so_far <= at_bid_so_far
        assert at_bid_so_far <= payment_for_fill(bid, filled_so_far)
        assert payment_for_fill(bid, filled_so_far) <= payment_for_fill(bid, order)
        assert payment_for_fill(bid, order) <= escrow


def test_one_order_filled_in_many_tiny_pieces() -> None:
    # 1,000 fills of 1 mWh at 0.999999 USDC/kWh each pay 0 (floor), so the seller receives
    # nothing for dust fills and the buyer gets the whole escrow back: nothing is lost.
    scenario = Scenario(999_999, 1_000, 25, [(999_999, 1)] * 1_000)
    usdc, gxt = settle(scenario)
    assert escrow_for_bid(999_999, 1_000) == 1_000
    assert usdc.balances == {"buyer": 1_000, "bid_escrow": 0, "seller": 0, "fee_vault": 0}
    assert gxt.balances == {"seller": 0, "ask_escrow": 0, "buyer": 1_000}


def test_paying_fills_rounded_up_would_overdraw_the_escrow() -> None:
    # Why payments round down: two fills of 1 base unit at 1 base unit per kWh would each cost
    # 1 if rounded up, but the escrow for the whole order is ceil(2 / 10**6) = 1.
    escrow = escrow_for_bid(1, 2)
    assert escrow == 1
    rounded_up = [quote_amount(1, 1, rounding=Rounding.CEIL) for _ in range(2)]
    assert sum(rounded_up) > escrow
    with pytest.raises(U64OverflowError, match="underflows"):
        settle_with_payments(escrow, rounded_up)
    settle_with_payments(escrow, [payment_for_fill(1, 1)] * 2)


def settle_with_payments(escrow: int, payments: Sequence[int]) -> None:
    usdc = Ledger(bid_escrow=escrow, seller=0)
    for amount in payments:
        usdc.transfer("bid_escrow", "seller", amount)
