"""Time in force in the Trading program: place_order records it (the 33-byte arguments still
place a GTC order), refuses unknown values, and the market's matcher may cancel an IOC or
post-only order, paying only its owner."""

from __future__ import annotations

import pytest

from gridtokenx.chain.trading.accounts import OrderSide, TimeInForce
from gridtokenx.chain.trading.builders import OrderFill, place_order_instruction
from gridtokenx.chain.trading.errors import TradingErrorCode as E
from gridtokenx.chain.trading.errors import TradingRequestError
from tests.utils.trading import KWH, USDC, MarketFixture, TradingChain, with_account, with_data

BUY, SELL = OrderSide.BUY, OrderSide.SELL
ORDER_RENT = (160 + 128) * 3480 * 2
NON_GTC = [TimeInForce.IOC, TimeInForce.POST_ONLY]


@pytest.mark.parametrize("time_in_force", list(TimeInForce), ids=lambda t: t.name)
def test_each_time_in_force_is_stored(market: MarketFixture, time_in_force: TimeInForce) -> None:
    seller = market.new_trader(energy=KWH)
    ask = market.place(seller, SELL, 100_000, KWH, time_in_force=time_in_force)
    state = market.order_state(ask)
    assert state is not None
    assert state.time_in_force == time_in_force
    assert state.reserved == bytes(13)
    assert market.chain.balance(market.keys.energy_vault) == KWH


def test_the_arguments_without_time_in_force_place_a_gtc_order(market: MarketFixture) -> None:
    seller = market.new_trader(energy=KWH)
    request = market.order_request(seller, SELL, 100_000, KWH, time_in_force=TimeInForce.IOC)
    instruction = place_order_instruction(market.keys, request)
    assert len(instruction.data) == 42
    market.chain.expect_ok([with_data(instruction, instruction.data[:41])], [seller.wallet])
    state = market.order_state(market.keys.order(seller.key, request.order_id))
    assert state is not None
    assert (state.time_in_force, state.quantity, state.escrow) == (TimeInForce.GTC, KWH, KWH)


@pytest.mark.parametrize("value", [3, 255])
def test_an_unknown_time_in_force_is_refused(market: MarketFixture, value: int) -> None:
    buyer = market.new_trader(quote=USDC)
    request = market.order_request(buyer, BUY, 100_000, KWH)
    instruction = place_order_instruction(market.keys, request)
    bad = with_data(instruction, instruction.data[:41] + bytes([value]))
    market.expect_refused(E.INVALID_TIME_IN_FORCE, [bad], [buyer.wallet])
    # One byte too many or too few is not an instruction of either form.
    for data in (instruction.data + b"\x00", instruction.data[:40]):
        market.expect_refused(
            E.INVALID_INSTRUCTION_DATA, [with_data(instruction, data)], [buyer.wallet]
        )


def test_the_client_refuses_an_unknown_time_in_force(market: MarketFixture) -> None:
    buyer = market.new_trader(quote=USDC)
    request = market.order_request(buyer, BUY, 100_000, KWH)
    bad = request.__class__(**{**request.__dict__, "time_in_force": 7})
    with pytest.raises(TradingRequestError, match="time in force"):
        place_order_instruction(market.keys, bad)


@pytest.mark.parametrize("time_in_force", NON_GTC, ids=lambda t: t.name)
def test_the_matcher_cancels_a_non_gtc_order_to_its_owner(
    chain: TradingChain, market: MarketFixture, time_in_force: TimeInForce
) -> None:
    buyer = market.new_trader(quote=USDC)
    bid = market.place(buyer, BUY, 100_000, KWH, time_in_force=time_in_force)
    assert chain.balance(buyer.quote_account) == USDC - 100_000
    owner_lamports = chain.lamports(buyer.key)
    matcher_lamports = chain.lamports(market.matcher.pubkey())
    chain.expect_ok([market.cancel(bid, buyer, matcher=market.matcher.pubkey())], [market.matcher])
    assert market.order_state(bid) is None
    assert chain.balance(buyer.quote_account) == USDC
    assert chain.balance(market.keys.quote_vault) == 0
    assert chain.lamports(buyer.key) == owner_lamports + ORDER_RENT
    assert chain.lamports(market.matcher.pubkey()) == matcher_lamports


def test_the_matcher_cancels_the_rest_of_a_partly_filled_ioc_order(
    chain: TradingChain, market: MarketFixture
) -> None:
    seller = market.new_trader(energy=KWH)
    buyer = market.new_trader(quote=10 * USDC)
    ask = market.place(seller, SELL, 100_000, KWH)
    bid = market.place(buyer, BUY, 120_000, 3 * KWH, time_in_force=TimeInForce.IOC)
    chain.expect_ok([market.settle([OrderFill(bid, ask, KWH, 100_000)])], [market.matcher])
    chain.expect_ok([market.cancel(bid, buyer, matcher=market.matcher.pubkey())], [market.matcher])
    assert market.order_state(bid) is None
    assert chain.balance(buyer.energy_account) == KWH
    assert chain.balance(buyer.quote_account) == 10 * USDC - 100_000
    # The maker's GTC order is untouched by the taker's cancel.
    ask_state = market.order_state(ask)
    assert ask_state is not None
    assert ask_state.filled == KWH


def test_the_matcher_may_not_cancel_a_gtc_order(chain: TradingChain, market: MarketFixture) -> None:
    buyer = market.new_trader(quote=USDC)
    bid = market.place(buyer, BUY, 100_000, KWH)
    market.expect_refused(
        E.UNAUTHORIZED,
        [market.cancel(bid, buyer, matcher=market.matcher.pubkey())],
        [market.matcher],
    )
    chain.expect_ok([market.cancel(bid, buyer)], [buyer.wallet])


@pytest.mark.parametrize("time_in_force", NON_GTC, ids=lambda t: t.name)
def test_only_the_markets_matcher_signing_may_cancel_for_the_owner(
    chain: TradingChain, market: MarketFixture, time_in_force: TimeInForce
) -> None:
    buyer = market.new_trader(quote=USDC)
    bid = market.place(buyer, BUY, 100_000, KWH, time_in_force=time_in_force)
    stranger = chain.funded()
    market.expect_refused(
        E.UNAUTHORIZED, [market.cancel(bid, buyer, matcher=stranger.pubkey())], [stranger]
    )
    unsigned = with_account(
        market.cancel(bid, buyer, matcher=market.matcher.pubkey()), 10, signer=False
    )
    market.expect_refused(E.MISSING_SIGNER, [unsigned])
    market.expect_refused(E.MISSING_SIGNER, [market.cancel(bid, buyer, owner_signs=False)])
    assert market.order_state(bid) is not None


def test_a_matcher_cancel_pays_only_the_owner(chain: TradingChain, market: MarketFixture) -> None:
    buyer = market.new_trader(quote=USDC)
    bid = market.place(buyer, BUY, 100_000, KWH, time_in_force=TimeInForce.IOC)
    thief = market.new_trader()
    cancel = market.cancel(bid, buyer, matcher=market.matcher.pubkey())
    # The matcher's (or anyone's) own token accounts instead of the owner's.
    for index, account in ((3, thief.energy_account), (4, thief.quote_account)):
        market.expect_refused(
            E.TOKEN_ACCOUNT_MISMATCH, [with_account(cancel, index, account)], [market.matcher]
        )
    # Someone else named as the owner, to receive the rent.
    market.expect_refused(
        E.ORDER_OWNER_MISMATCH, [with_account(cancel, 2, thief.key)], [market.matcher]
    )
    chain.expect_ok([cancel], [market.matcher])
    assert chain.balance(buyer.quote_account) == USDC
    assert chain.balance(thief.quote_account) == 0
