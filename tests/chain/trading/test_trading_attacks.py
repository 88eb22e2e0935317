"""Attacks on the Trading program: each asserts the program's error code and that no account
of the market (vaults, fee vault, orders, traders' wallets and token accounts) changed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from solders.account import Account
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID

from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderFill,
    OrderRequest,
    claim_instruction,
    initialize_market_instruction,
    place_order_instruction,
)
from gridtokenx.chain.trading.errors import TradingErrorCode as E
from gridtokenx.chain.trading.instructions import PlaceOrder, Settle
from tests.utils.trading import (
    KWH,
    USDC,
    MarketFixture,
    Trader,
    TradingChain,
    with_account,
    with_data,
)

BUY, SELL = OrderSide.BUY, OrderSide.SELL
U64_MAX = 2**64 - 1
# Account positions (docs/onchain.md).
PLACE_ORDER, PLACE_OWNER, PLACE_SOURCE, PLACE_VAULT, PLACE_MINT, PLACE_TOKEN = 1, 2, 3, 4, 5, 6
SETTLE_MATCHER, SETTLE_QUOTE_VAULT, SETTLE_FEE_VAULT, SETTLE_MINT, SETTLE_TOKEN = 1, 2, 3, 4, 5
PAYOUT_ORDER, PAYOUT_OWNER, PAYOUT_ENERGY, PAYOUT_QUOTE = 1, 2, 3, 4
PAYOUT_ENERGY_VAULT, PAYOUT_QUOTE_VAULT, PAYOUT_ENERGY_MINT, PAYOUT_TOKEN = 5, 6, 7, 9


@dataclass
class Book:
    """A seller's ask at 0.15 and a buyer's bid at 0.20, both for 2 kWh."""

    market: MarketFixture
    seller: Trader
    buyer: Trader
    ask: Pubkey
    bid: Pubkey

    @property
    def chain(self) -> TradingChain:
        return self.market.chain

    def settle(self, *fills: OrderFill) -> Instruction:
        return self.market.settle(list(fills))

    def refused(self, code: E, instructions: list[Instruction], *signers: Keypair) -> None:
        self.market.expect_refused(code, instructions, [self.market.matcher, *signers])


@pytest.fixture
def book(market: MarketFixture) -> Book:
    seller = market.new_trader(energy=5 * KWH)
    buyer = market.new_trader(quote=10 * USDC)
    ask = market.place(seller, SELL, price=150_000, quantity=2 * KWH)
    bid = market.place(buyer, BUY, price=200_000, quantity=2 * KWH)
    return Book(market, seller, buyer, ask, bid)


def _forged_copy(chain: TradingChain, original: Pubkey, data: bytes) -> Pubkey:
    """An account with ``data`` (e.g. a real order's bytes, doctored) not owned by the program."""
    address = Pubkey.new_unique()
    source = chain.svm.get_account(original)
    assert source is not None
    chain.svm.set_account(address, Account(source.lamports, data, SYSTEM_PROGRAM_ID, False, 0))
    return address


# --- initialize_market ---------------------------------------------------------------------


def test_initialize_market_refusals(chain: TradingChain) -> None:
    energy, quote, nine_decimals = chain.create_mint(), chain.create_mint(), chain.create_mint(9)
    fee_vault = chain.token_account(Keypair().pubkey(), quote)
    keys = MarketKeys.derive(chain.program_id, energy, quote, fee_vault)
    operator, matcher = chain.operator.pubkey(), Pubkey.new_unique()

    def init(keys: MarketKeys, fee_bps: int = 25) -> Instruction:
        return initialize_market_instruction(keys, operator, matcher, fee_bps)

    chain.expect_error(E.INVALID_ARGUMENT, [init(keys, 10_001)])
    same = MarketKeys.derive(chain.program_id, quote, quote, fee_vault)
    chain.expect_error(E.MINT_MISMATCH, [init(same)])
    wrong_decimals = MarketKeys.derive(chain.program_id, nine_decimals, quote, fee_vault)
    chain.expect_error(E.MINT_MISMATCH, [init(wrong_decimals)])
    energy_fee_vault = chain.token_account(Keypair().pubkey(), energy)
    chain.expect_error(
        E.TOKEN_ACCOUNT_MISMATCH,
        [init(MarketKeys.derive(chain.program_id, energy, quote, energy_fee_vault))],
    )
    chain.expect_error(E.WRONG_PDA, [with_account(init(keys), 5, keys.quote_vault)])
    chain.expect_error(E.WRONG_PDA, [with_account(init(keys), 0, Pubkey.new_unique())])
    payer = chain.funded()
    chain.expect_error(E.MISSING_SIGNER, [with_account(init(keys), 1, signer=False)], payer=payer)
    chain.expect_error(E.WRONG_PROGRAM_ID, [with_account(init(keys), 9, Pubkey.new_unique())])
    for address in (keys.market, keys.energy_vault, keys.quote_vault):
        assert chain.svm.get_account(address) is None
    chain.expect_ok([init(keys)])
    before = chain.snapshot([keys.market, keys.energy_vault, keys.quote_vault])
    chain.expect_error(E.ALREADY_INITIALIZED, [init(keys, 0)])
    assert chain.snapshot([keys.market, keys.energy_vault, keys.quote_vault]) == before


# --- place_order ---------------------------------------------------------------------------


def _place(book: Book, side: OrderSide, price: int, quantity: int, expiry: int = 0) -> Instruction:
    trader = book.seller if side is SELL else book.buyer
    request = book.market.order_request(trader, side, price, quantity, expiry)
    return place_order_instruction(book.market.keys, request)


@pytest.mark.parametrize(
    ("side", "price", "quantity", "expiry", "code"),
    [
        (SELL, 150_000, 0, 0, E.INVALID_ARGUMENT),
        (BUY, 0, KWH, 0, E.INVALID_ARGUMENT),
        (SELL, 150_000, KWH, -5, E.INVALID_EXPIRY),
        (SELL, 150_000, 6 * KWH, 0, E.INSUFFICIENT_FUNDS),
        (BUY, 200_000, 60 * KWH, 0, E.INSUFFICIENT_FUNDS),
        (BUY, U64_MAX, U64_MAX, 0, E.ARITHMETIC_OVERFLOW),
    ],
)
def test_place_order_refuses_bad_arguments(
    book: Book, side: OrderSide, price: int, quantity: int, expiry: int, code: E
) -> None:
    trader = book.seller if side is SELL else book.buyer
    book.market.expect_refused(code, [_place(book, side, price, quantity, expiry)], [trader.wallet])


def test_place_order_refuses_an_expiry_already_reached(book: Book) -> None:
    placed = _place(book, BUY, 200_000, KWH, expiry=book.chain.now())
    book.market.expect_refused(E.INVALID_EXPIRY, [placed], [book.buyer.wallet])


def test_place_order_refuses_an_unknown_side(book: Book) -> None:
    valid = _place(book, SELL, 150_000, KWH)
    raw = PlaceOrder(order_id=99, side=2, price=150_000, quantity=KWH, expiry=0).data()
    book.market.expect_refused(E.INVALID_ARGUMENT, [with_data(valid, raw)], [book.seller.wallet])


def test_place_order_needs_the_owners_signature(book: Book) -> None:
    unsigned = with_account(_place(book, SELL, 150_000, KWH), PLACE_OWNER, signer=False)
    book.market.expect_refused(E.MISSING_SIGNER, [unsigned])


def test_place_order_refuses_a_reused_order_id_and_a_misseeded_order(book: Book) -> None:
    ask_id = 1  # the book's first order
    assert book.market.keys.order(book.seller.key, ask_id) == book.ask
    request = OrderRequest(book.seller.key, ask_id, SELL, 150_000, KWH, book.seller.energy_account)
    reused = place_order_instruction(book.market.keys, request)
    book.market.expect_refused(E.ALREADY_INITIALIZED, [reused], [book.seller.wallet])
    other_id = book.market.keys.order(book.seller.key, 1_000)
    misseeded = with_account(_place(book, SELL, 150_000, KWH), PLACE_ORDER, other_id)
    book.market.expect_refused(E.WRONG_PDA, [misseeded], [book.seller.wallet])
    # The buyer's address for the same id: seeds of another owner.
    buyer_order = book.market.keys.order(book.buyer.key, 3)
    foreign = with_account(_place(book, SELL, 150_000, KWH), PLACE_ORDER, buyer_order)
    book.market.expect_refused(E.WRONG_PDA, [foreign], [book.seller.wallet])


def test_place_order_checks_source_vault_mint_and_programs(book: Book) -> None:
    keys, chain = book.market.keys, book.chain
    sell = _place(book, SELL, 150_000, KWH)
    signer = [book.seller.wallet]
    expect = book.market.expect_refused
    # The buyer's GXT account as source: the token program would refuse too, the program first.
    expect(
        E.TOKEN_ACCOUNT_MISMATCH,
        [with_account(sell, PLACE_SOURCE, book.buyer.energy_account)],
        signer,
    )
    expect(E.VAULT_MISMATCH, [with_account(sell, PLACE_VAULT, keys.quote_vault)], signer)
    attacker_vault = chain.token_account(Keypair().pubkey(), keys.energy_mint)
    expect(E.VAULT_MISMATCH, [with_account(sell, PLACE_VAULT, attacker_vault)], signer)
    fake_mint = chain.create_mint()
    expect(E.MINT_MISMATCH, [with_account(sell, PLACE_MINT, fake_mint)], signer)
    expect(E.WRONG_PROGRAM_ID, [with_account(sell, PLACE_TOKEN, Pubkey.new_unique())], signer)
    expect(E.ACCOUNT_NOT_WRITABLE, [with_account(sell, PLACE_VAULT, writable=False)], signer)


def test_place_order_refuses_a_forged_market(book: Book) -> None:
    sell = _place(book, SELL, 150_000, KWH)
    market_account = book.chain.svm.get_account(book.market.keys.market)
    assert market_account is not None
    forged = _forged_copy(book.chain, book.market.keys.market, bytes(market_account.data))
    book.market.expect_refused(
        E.WRONG_ACCOUNT_OWNER, [with_account(sell, 0, forged)], [book.seller.wallet]
    )
    # An order is owned by the program but is not a market.
    book.market.expect_refused(
        E.INVALID_ACCOUNT_DATA, [with_account(sell, 0, book.ask)], [book.seller.wallet]
    )


# --- settle --------------------------------------------------------------------------------


def test_settle_needs_the_matchers_signature(book: Book) -> None:
    fill = book.settle(OrderFill(book.bid, book.ask, KWH, 170_000))
    book.market.expect_refused(E.MISSING_SIGNER, [with_account(fill, SETTLE_MATCHER, signer=False)])
    impostor = book.chain.funded()
    forged = with_account(fill, SETTLE_MATCHER, impostor.pubkey())
    book.market.expect_refused(E.UNAUTHORIZED, [forged], [impostor])
    # Not even an order's owner may settle.
    as_buyer = with_account(fill, SETTLE_MATCHER, book.buyer.key)
    book.market.expect_refused(E.UNAUTHORIZED, [as_buyer], [book.buyer.wallet])


@pytest.mark.parametrize(
    ("quantity", "price", "code"),
    [
        (KWH, 200_001, E.PRICE_OUTSIDE_LIMITS),  # above the bid
        (KWH, 149_999, E.PRICE_OUTSIDE_LIMITS),  # below the ask
        (2 * KWH + 1, 170_000, E.OVERFILL),
        (0, 170_000, E.INVALID_ARGUMENT),
    ],
)
def test_settle_refuses_fills_outside_the_orders(
    book: Book, quantity: int, price: int, code: E
) -> None:
    book.refused(code, [book.settle(OrderFill(book.bid, book.ask, quantity, price))])


def test_settle_refuses_overfilling_across_fills_and_transactions(book: Book) -> None:
    fill = OrderFill(book.bid, book.ask, KWH + 1, 170_000)
    book.refused(E.OVERFILL, [book.settle(fill, fill)])
    book.chain.expect_ok([book.settle(fill)], [book.market.matcher])
    book.refused(E.OVERFILL, [book.settle(fill)])


def test_settle_refuses_wrong_sides_and_self_trades(book: Book, market: MarketFixture) -> None:
    other_bid = market.place(book.buyer, BUY, price=200_000, quantity=KWH)
    other_ask = market.place(book.seller, SELL, price=150_000, quantity=KWH)
    for buy, sell in ((book.bid, other_bid), (other_ask, book.ask), (book.ask, book.bid)):
        book.refused(E.ORDER_SIDE_MISMATCH, [book.settle(OrderFill(buy, sell, KWH, 170_000))])
    # The seller also bids: its bid against its own ask is a self-trade.
    book.chain.mint_to(market.keys.quote_mint, book.seller.quote_account, USDC)
    own_bid = market.place(book.seller, BUY, price=200_000, quantity=KWH)
    book.refused(E.SELF_TRADE, [book.settle(OrderFill(own_bid, book.ask, KWH, 170_000))])


def test_settle_refuses_an_expired_order(book: Book, market: MarketFixture) -> None:
    expiring = market.place(book.seller, SELL, 150_000, KWH, expiry=book.chain.now() + 10)
    fill = book.settle(OrderFill(book.bid, expiring, KWH, 170_000))
    book.chain.advance_clock(10)
    book.refused(E.ORDER_EXPIRED, [fill])


def test_settle_refuses_a_cancelled_order(book: Book) -> None:
    cancel = book.market.cancel(book.ask, book.seller)
    fill = book.settle(OrderFill(book.bid, book.ask, KWH, 170_000))
    # Cancel and settle in one transaction: the closed order must not be usable in between.
    book.refused(E.WRONG_ACCOUNT_OWNER, [cancel, fill], book.seller.wallet)
    book.chain.expect_ok([cancel], [book.seller.wallet])
    book.refused(E.WRONG_ACCOUNT_OWNER, [fill])


def test_settle_refuses_an_order_of_another_market(book: Book, chain: TradingChain) -> None:
    other = chain.open_market()
    stranger = other.new_trader(energy=5 * KWH)
    foreign_ask = other.place(stranger, SELL, 150_000, KWH)
    before = chain.snapshot(other.watched())
    book.refused(
        E.ORDER_MARKET_MISMATCH, [book.settle(OrderFill(book.bid, foreign_ask, KWH, 170_000))]
    )
    assert chain.snapshot(other.watched()) == before


def test_settle_refuses_forged_and_misflagged_orders(book: Book) -> None:
    real = book.market.order_state(book.ask)
    assert real is not None
    forged = Order(**{**real.__dict__, "price": 1, "quantity": 10**12, "escrow": 10**12})
    forged_ask = _forged_copy(book.chain, book.ask, forged.encode())
    book.refused(
        E.WRONG_ACCOUNT_OWNER, [book.settle(OrderFill(book.bid, forged_ask, KWH, 170_000))]
    )
    # The market account is owned by the program but is no order.
    fill = book.settle(OrderFill(book.bid, book.ask, KWH, 170_000))
    book.refused(E.INVALID_ACCOUNT_DATA, [with_account(fill, 7, book.market.keys.market)])
    book.refused(E.ACCOUNT_NOT_WRITABLE, [with_account(fill, 6, writable=False)])


def test_settle_refuses_foreign_vaults_mints_and_programs(book: Book) -> None:
    keys, chain = book.market.keys, book.chain
    fill = book.settle(OrderFill(book.bid, book.ask, KWH, 170_000))
    thief_account = chain.token_account(Keypair().pubkey(), keys.quote_mint)
    book.refused(E.VAULT_MISMATCH, [with_account(fill, SETTLE_FEE_VAULT, thief_account)])
    book.refused(E.VAULT_MISMATCH, [with_account(fill, SETTLE_QUOTE_VAULT, thief_account)])
    book.refused(E.MINT_MISMATCH, [with_account(fill, SETTLE_MINT, chain.create_mint())])
    book.refused(E.WRONG_PROGRAM_ID, [with_account(fill, SETTLE_TOKEN, Pubkey.new_unique())])


def test_settle_refuses_malformed_fill_lists(book: Book) -> None:
    fill = book.settle(OrderFill(book.bid, book.ask, KWH, 170_000))
    two = Settle(fills=()).data()[:8] + (2).to_bytes(4, "little") + bytes(fill.data[12:])
    book.refused(E.INVALID_INSTRUCTION_DATA, [with_data(fill, two)])
    book.refused(E.INVALID_ARGUMENT, [with_data(fill, Settle(fills=()).data())])
    double = book.settle(*[OrderFill(book.bid, book.ask, 1, 170_000)] * 2)
    short = Instruction(double.program_id, double.data, list(double.accounts)[:-2])
    book.refused(E.NOT_ENOUGH_ACCOUNTS, [short])
    book.refused(E.UNKNOWN_INSTRUCTION, [with_data(fill, bytes(8))])


# --- cancel_order and claim ----------------------------------------------------------------


@pytest.fixture
def filled(book: Book) -> Book:
    """The bid is half filled: the buyer has 1 kWh to claim, the seller its proceeds."""
    book.chain.expect_ok(
        [book.settle(OrderFill(book.bid, book.ask, KWH, 170_000))], [book.market.matcher]
    )
    return book


def test_claim_pays_only_the_orders_owner(filled: Book, chain: TradingChain) -> None:
    book, keys = filled, filled.market.keys
    thief = filled.market.new_trader()
    claim = book.market.claim(book.bid, book.buyer)
    # The buyer's order, but the thief's token accounts.
    to_thief = with_account(claim, PAYOUT_ENERGY, thief.energy_account)
    book.market.expect_refused(E.TOKEN_ACCOUNT_MISMATCH, [to_thief])
    swapped = with_account(
        with_account(claim, PAYOUT_ENERGY, book.buyer.quote_account),
        PAYOUT_QUOTE,
        book.buyer.energy_account,
    )
    book.market.expect_refused(E.TOKEN_ACCOUNT_MISMATCH, [swapped])
    # The thief names itself as the owner.
    as_thief = claim_instruction(
        keys, book.bid, thief.key, thief.energy_account, thief.quote_account
    )
    book.market.expect_refused(E.ORDER_OWNER_MISMATCH, [as_thief])
    cancel_as_thief = book.market.cancel(book.bid, thief)
    book.market.expect_refused(E.ORDER_OWNER_MISMATCH, [cancel_as_thief], [thief.wallet])
    vaults_swapped = with_account(
        with_account(claim, PAYOUT_ENERGY_VAULT, keys.quote_vault),
        PAYOUT_QUOTE_VAULT,
        keys.energy_vault,
    )
    book.market.expect_refused(E.VAULT_MISMATCH, [vaults_swapped])
    book.market.expect_refused(
        E.WRONG_PROGRAM_ID, [with_account(claim, PAYOUT_TOKEN, Pubkey.new_unique())]
    )
    fake_mint = chain.create_mint()
    book.market.expect_refused(
        E.MINT_MISMATCH, [with_account(claim, PAYOUT_ENERGY_MINT, fake_mint)]
    )
    book.market.expect_refused(
        E.ACCOUNT_NOT_WRITABLE, [with_account(claim, PAYOUT_ORDER, writable=False)]
    )


def test_claim_refuses_a_forged_order_and_another_markets_accounts(
    filled: Book, chain: TradingChain
) -> None:
    book = filled
    real = book.market.order_state(book.bid)
    assert real is not None
    forged = Order(**{**real.__dict__, "claimable_energy": 2 * KWH, "escrow": 400_000})
    forged_bid = _forged_copy(chain, book.bid, forged.encode())
    claim = book.market.claim(book.bid, book.buyer)
    book.market.expect_refused(
        E.WRONG_ACCOUNT_OWNER, [with_account(claim, PAYOUT_ORDER, forged_bid)]
    )
    other = chain.open_market()
    buyer_there = other.new_trader()
    # The order of this market claimed through the other market (whose vaults hold nothing).
    through_other = claim_instruction(
        other.keys, book.bid, book.buyer.key, buyer_there.energy_account, buyer_there.quote_account
    )
    book.market.expect_refused(E.ORDER_MARKET_MISMATCH, [through_other])


def test_cancel_needs_the_owner_until_expiry(filled: Book) -> None:
    book = filled
    book.market.expect_refused(
        E.MISSING_SIGNER, [book.market.cancel(book.ask, book.seller, owner_signs=False)]
    )
