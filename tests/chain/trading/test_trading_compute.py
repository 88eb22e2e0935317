"""Compute budgets: settle costs far less than the 15,000 CU per fill it may use, and placing,
cancelling and claiming cost a few thousand CU each."""

from __future__ import annotations

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import OrderFill
from tests.utils.trading import KWH, USDC, MarketFixture, TradingChain

PER_FILL_BUDGET = 1_500
SINGLE_BUDGET = 12_000


def test_compute_units_per_instruction(chain: TradingChain, market: MarketFixture) -> None:
    fills = []
    for _ in range(10):
        seller, buyer = market.new_trader(energy=KWH), market.new_trader(quote=USDC)
        fills.append(
            OrderFill(
                market.place(buyer, OrderSide.BUY, 130_000, KWH),
                market.place(seller, OrderSide.SELL, 100_000, KWH),
                KWH // 2,
                120_000,
            )
        )
    one = chain.expect_ok([market.settle(fills[:1])], [market.matcher])
    ten = chain.expect_ok([market.settle(fills)], [market.matcher])
    per_fill = (ten.compute_units_consumed() - one.compute_units_consumed()) / 9
    assert per_fill < PER_FILL_BUDGET
    assert one.compute_units_consumed() < SINGLE_BUDGET
    # fills[0] is now complete (claim closes it); fills[1] is half filled (cancel closes it).
    buyer = market.owner_of(fills[0].buy_order)
    claim = chain.expect_ok([market.claim(fills[0].buy_order, buyer)])
    assert claim.compute_units_consumed() < SINGLE_BUDGET
    buyer = market.owner_of(fills[1].buy_order)
    cancel = chain.expect_ok([market.cancel(fills[1].buy_order, buyer)], [buyer.wallet])
    assert cancel.compute_units_consumed() < SINGLE_BUDGET
