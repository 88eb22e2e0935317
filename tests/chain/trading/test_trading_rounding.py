"""Rounding on chain agrees bit for bit with gridtokenx.core: a bid locks ceil(price * qty),
a fill costs floor(price * qty), the fee is floor(notional * bps) and the buyer gets back what
its fills did not use. Every base unit ends with the seller, the fee vault or the buyer."""

from __future__ import annotations

import pytest

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import OrderFill
from gridtokenx.core import escrow_for_bid, payment_for_fill, split_fee
from tests.utils.trading import KWH, TradingChain

CASES = [
    # fee_bps, bid, ask, fills as (quantity, price)
    (0, 333_333, 111_111, [(1_000_001, 333_331), (234_566, 111_111)]),
    (10_000, 200_000, 150_000, [(KWH, 170_000), (7, 199_999)]),  # the fee takes everything
    (9_999, 7, 1, [(3, 7), (999_999, 5)]),  # notionals round to 0: escrow 1 is all refunded
    (25, 123_457, 99_999, [(1, 123_457), (999_999, 123_456), (13, 100_000), (4_321, 99_999)]),
    (1, 10**13, 10**13, [(3 * KWH + 17, 10**13)]),  # price * qty > 2**64: 128-bit product
]


@pytest.mark.parametrize(("fee_bps", "bid", "ask", "fills"), CASES)
def test_fills_round_like_the_core_rules(
    chain: TradingChain, fee_bps: int, bid: int, ask: int, fills: list[tuple[int, int]]
) -> None:
    market = chain.open_market(fee_bps)
    quantity = sum(q for q, _ in fills)
    escrow = escrow_for_bid(bid, quantity)
    seller = market.new_trader(energy=quantity)
    buyer = market.new_trader(quote=escrow)
    ask_order = market.place(seller, OrderSide.SELL, ask, quantity)
    bid_order = market.place(buyer, OrderSide.BUY, bid, quantity)
    assert chain.balance(market.keys.quote_vault) == escrow
    chain.expect_ok(
        [market.settle([OrderFill(bid_order, ask_order, q, p) for q, p in fills])],
        [market.matcher],
    )
    notionals = [payment_for_fill(p, q) for q, p in fills]
    splits = [split_fee(notional, fee_bps) for notional in notionals]
    chain.expect_ok([market.claim(ask_order, seller), market.claim(bid_order, buyer)])
    assert chain.balance(seller.quote_account) == sum(net for net, _ in splits)
    assert chain.balance(market.keys.fee_vault) == sum(fee for _, fee in splits)
    assert chain.balance(buyer.quote_account) == escrow - sum(notionals)
    assert chain.balance(buyer.energy_account) == quantity
    assert chain.balance(seller.energy_account) == 0
    assert chain.balance(market.keys.quote_vault) == 0
    assert chain.balance(market.keys.energy_vault) == 0
    assert market.order_state(ask_order) is None
    assert market.order_state(bid_order) is None
