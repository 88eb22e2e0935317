"""The Trading program in LiteSVM: every instruction's success path with exact balances."""

from __future__ import annotations

import pytest
from solders.token.state import TokenAccount
from solders.transaction_metadata import TransactionMetadata

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import OrderFill, settle_instruction
from gridtokenx.chain.trading.errors import TradingErrorCode as E
from gridtokenx.chain.trading.errors import TradingRequestError
from gridtokenx.chain.trading.pda import market_address, vault_address
from gridtokenx.core import escrow_for_bid, payment_for_fill, split_fee
from tests.utils.trading import KWH, USDC, MarketFixture, TradingChain

BUY, SELL = OrderSide.BUY, OrderSide.SELL
ORDER_RENT = (160 + 128) * 3480 * 2


def test_initialize_market_records_the_market_and_creates_its_vaults(
    chain: TradingChain, market: MarketFixture
) -> None:
    state = market.market_state()
    keys = market.keys
    assert keys.market == market_address(chain.program_id, keys.energy_mint, keys.quote_mint)[0]
    assert (state.operator, state.matcher) == (chain.operator.pubkey(), market.matcher.pubkey())
    assert (state.energy_mint, state.quote_mint) == (keys.energy_mint, keys.quote_mint)
    assert (state.energy_vault, state.quote_vault, state.fee_vault) == (
        keys.energy_vault,
        keys.quote_vault,
        keys.fee_vault,
    )
    assert state.fee_bps == 25
    energy_bump = vault_address(chain.program_id, keys.market, keys.energy_mint)[1]
    assert state.energy_vault_bump == energy_bump
    for vault, mint in ((keys.energy_vault, keys.energy_mint), (keys.quote_vault, keys.quote_mint)):
        account = chain.svm.get_account(vault)
        assert account is not None
        token = TokenAccount.from_bytes(bytes(account.data))
        assert (token.mint, token.owner, token.amount) == (mint, keys.market, 0)


def test_place_orders_lock_their_escrow(chain: TradingChain, market: MarketFixture) -> None:
    seller = market.new_trader(energy=5 * KWH)
    buyer = market.new_trader(quote=10 * USDC)
    buyer_lamports = chain.lamports(buyer.key)
    ask = market.place(seller, SELL, price=150_000, quantity=2 * KWH + 1)
    bid = market.place(buyer, BUY, price=200_001, quantity=3 * KWH + 7, expiry=chain.now() + 60)
    assert chain.balance(seller.energy_account) == 3 * KWH - 1
    assert chain.balance(market.keys.energy_vault) == 2 * KWH + 1
    escrow = escrow_for_bid(200_001, 3 * KWH + 7)
    assert escrow == 600_005  # 600,004.4014 rounded up
    assert chain.balance(buyer.quote_account) == 10 * USDC - escrow
    assert chain.balance(market.keys.quote_vault) == escrow
    assert chain.lamports(buyer.key) == buyer_lamports - ORDER_RENT
    sell_state, buy_state = market.order_state(ask), market.order_state(bid)
    assert sell_state is not None
    assert buy_state is not None
    assert (sell_state.side, sell_state.escrow, sell_state.filled) == (SELL, 2 * KWH + 1, 0)
    assert (buy_state.side, buy_state.escrow, buy_state.price) == (BUY, escrow, 200_001)
    assert (buy_state.owner, buy_state.market, buy_state.order_id) == (
        buyer.key,
        market.keys.market,
        2,
    )
    assert buy_state.expiry == chain.now() + 60
    assert buy_state.created_at == chain.now()


def test_settle_then_claim_pays_both_sides_and_the_fee(
    chain: TradingChain, market: MarketFixture
) -> None:
    seller = market.new_trader(energy=5 * KWH)
    buyer = market.new_trader(quote=10 * USDC)
    ask = market.place(seller, SELL, price=150_000, quantity=2 * KWH)
    bid = market.place(buyer, BUY, price=200_000, quantity=2 * KWH)
    chain.expect_ok(
        [market.settle([OrderFill(bid, ask, KWH, 170_000), OrderFill(bid, ask, KWH, 160_000)])],
        [market.matcher],
    )
    notional = 170_000 + 160_000
    fee = split_fee(170_000, 25)[1] + split_fee(160_000, 25)[1]
    assert chain.balance(market.keys.fee_vault) == fee == 825
    assert chain.balance(market.keys.quote_vault) == 400_000 - fee
    buy_state, sell_state = market.order_state(bid), market.order_state(ask)
    assert buy_state is not None
    assert sell_state is not None
    assert (buy_state.filled, buy_state.escrow, buy_state.claimable_energy) == (
        2 * KWH,
        400_000 - notional,
        2 * KWH,
    )
    assert (sell_state.filled, sell_state.escrow, sell_state.claimable_quote) == (
        2 * KWH,
        0,
        notional - fee,
    )
    seller_lamports, buyer_lamports = chain.lamports(seller.key), chain.lamports(buyer.key)
    chain.expect_ok([market.claim(ask, seller), market.claim(bid, buyer)])
    assert chain.balance(seller.quote_account) == notional - fee
    assert chain.balance(buyer.energy_account) == 2 * KWH
    # The buyer's unused escrow (bid 0.20, paid 0.17 and 0.16) comes back with the claim.
    assert chain.balance(buyer.quote_account) == 10 * USDC - notional
    assert chain.balance(market.keys.quote_vault) == 0
    assert chain.balance(market.keys.energy_vault) == 0
    assert market.order_state(ask) is None
    assert market.order_state(bid) is None
    assert chain.lamports(seller.key) == seller_lamports + ORDER_RENT
    assert chain.lamports(buyer.key) == buyer_lamports + ORDER_RENT


def test_claim_of_a_partly_filled_order_keeps_it_open(
    chain: TradingChain, market: MarketFixture
) -> None:
    seller = market.new_trader(energy=5 * KWH)
    buyer = market.new_trader(quote=10 * USDC)
    ask = market.place(seller, SELL, price=100_000, quantity=3 * KWH)
    bid = market.place(buyer, BUY, price=100_000, quantity=KWH)
    chain.expect_ok([market.settle([OrderFill(bid, ask, KWH, 100_000)])], [market.matcher])
    chain.expect_ok([market.claim(ask, seller)])
    assert chain.balance(seller.quote_account) == 100_000 - 250
    state = market.order_state(ask)
    assert state is not None
    assert (state.filled, state.escrow, state.claimable_quote) == (KWH, 2 * KWH, 0)
    market.expect_refused(E.NOTHING_TO_CLAIM, [market.claim(ask, seller)])


def test_cancel_returns_escrow_and_claimables_and_closes(
    chain: TradingChain, market: MarketFixture
) -> None:
    seller = market.new_trader(energy=5 * KWH)
    buyer = market.new_trader(quote=10 * USDC)
    ask = market.place(seller, SELL, price=100_000, quantity=3 * KWH)
    bid = market.place(buyer, BUY, price=120_000, quantity=4 * KWH)
    chain.expect_ok([market.settle([OrderFill(bid, ask, KWH, 110_000)])], [market.matcher])
    lamports = chain.lamports(buyer.key)
    chain.expect_ok([market.cancel(bid, buyer)], [buyer.wallet])
    assert market.order_state(bid) is None
    assert chain.balance(buyer.energy_account) == KWH
    assert chain.balance(buyer.quote_account) == 10 * USDC - 110_000
    assert chain.lamports(buyer.key) == lamports + ORDER_RENT
    chain.expect_ok([market.cancel(ask, seller)], [seller.wallet])
    assert chain.balance(seller.energy_account) == 4 * KWH
    assert chain.balance(seller.quote_account) == 110_000 - split_fee(110_000, 25)[1]
    assert chain.balance(market.keys.energy_vault) == 0
    assert chain.balance(market.keys.quote_vault) == 0


def test_anyone_may_cancel_an_expired_order_but_only_to_its_owner(
    chain: TradingChain, market: MarketFixture
) -> None:
    buyer = market.new_trader(quote=USDC)
    bid = market.place(buyer, BUY, price=100_000, quantity=KWH, expiry=chain.now() + 30)
    market.expect_refused(E.MISSING_SIGNER, [market.cancel(bid, buyer, owner_signs=False)])
    chain.advance_clock(30)
    chain.expect_ok([market.cancel(bid, buyer, owner_signs=False)])
    assert chain.balance(buyer.quote_account) == USDC
    assert market.order_state(bid) is None


def test_ten_fills_between_distinct_orders_in_one_transaction(
    chain: TradingChain, market: MarketFixture
) -> None:
    fills = []
    for index in range(10):
        seller = market.new_trader(energy=KWH)
        buyer = market.new_trader(quote=USDC)
        ask = market.place(seller, SELL, price=100_000 + index, quantity=KWH)
        bid = market.place(buyer, BUY, price=130_000, quantity=KWH)
        fills.append(OrderFill(bid, ask, KWH - index, 120_000 + index))
    chain.expect_ok([market.settle(fills)], [market.matcher])
    proceeds = [split_fee(payment_for_fill(f.price, f.quantity), 25) for f in fills]
    assert chain.balance(market.keys.fee_vault) == sum(fee for _, fee in proceeds)
    for fill, (net, _) in zip(fills, proceeds, strict=True):
        sell_state, buy_state = (
            market.order_state(fill.sell_order),
            market.order_state(fill.buy_order),
        )
        assert sell_state is not None
        assert buy_state is not None
        assert (sell_state.claimable_quote, sell_state.filled) == (net, fill.quantity)
        assert buy_state.escrow == 130_000 - payment_for_fill(fill.price, fill.quantity)


def test_twenty_eight_fills_through_an_address_lookup_table(
    chain: TradingChain, market: MarketFixture
) -> None:
    # 28 fills between 56 distinct orders: with the payer, the program and the 5 named accounts,
    # the 64 accounts a transaction may lock.
    fills = []
    for _ in range(28):
        seller, buyer = market.new_trader(energy=KWH), market.new_trader(quote=USDC)
        bid = market.place(buyer, BUY, price=130_000, quantity=KWH)
        fills.append(OrderFill(bid, market.place(seller, SELL, 100_000, KWH), KWH, 115_000))
    orders = [address for fill in fills for address in (fill.buy_order, fill.sell_order)]
    result = chain.send_with_lookup_table([market.settle(fills)], market.matcher, orders)
    assert isinstance(result, TransactionMetadata), (result.err(), result.meta().logs())
    fee = split_fee(115_000, 25)[1]
    assert chain.balance(market.keys.fee_vault) == 28 * fee
    for fill in fills:
        state = market.order_state(fill.sell_order)
        assert state is not None
        assert (state.filled, state.claimable_quote) == (KWH, 115_000 - fee)


def test_one_sell_order_against_sixteen_bids(chain: TradingChain, market: MarketFixture) -> None:
    seller = market.new_trader(energy=20 * KWH)
    ask = market.place(seller, SELL, price=90_000, quantity=20 * KWH)
    fills = []
    for _ in range(16):
        buyer = market.new_trader(quote=USDC)
        bid = market.place(buyer, BUY, price=100_000, quantity=KWH)
        fills.append(OrderFill(bid, ask, KWH, 95_000))
    chain.expect_ok([market.settle(fills)], [market.matcher])
    state = market.order_state(ask)
    assert state is not None
    assert (state.filled, state.escrow) == (16 * KWH, 4 * KWH)
    assert state.claimable_quote == 16 * split_fee(95_000, 25)[0]


def test_settle_builder_refuses_an_empty_fill_list(market: MarketFixture) -> None:
    with pytest.raises(TradingRequestError, match="at least one fill"):
        settle_instruction(market.keys, market.matcher.pubkey(), [])
