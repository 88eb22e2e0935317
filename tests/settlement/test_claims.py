"""Claim transactions packed into packets, and how refusals are named and classified."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.program_errors import ProgramFailedError
from gridtokenx.chain.client.transactions import build_transaction
from gridtokenx.chain.spl_token import create_associated_token_account_idempotent
from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.chain.trading.builders import MarketKeys, claim_instruction
from gridtokenx.chain.trading.errors import TRADING_ERROR_MESSAGES, TradingErrorCode
from gridtokenx.settlement.chain import _refused_claim, refusal_of
from gridtokenx.settlement.transactions import PACKET_BYTES, pack_instructions

KEYS = MarketKeys(*(Pubkey.new_unique() for _ in range(7)))
PAYER = Keypair()


def _claim_group(create_accounts: int) -> list[Instruction]:
    owner = Pubkey.new_unique()
    group = [
        create_associated_token_account_idempotent(PAYER.pubkey(), owner, mint)
        for mint in (KEYS.energy_mint, KEYS.quote_mint)[:create_accounts]
    ]
    order, energy, quote = Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique()
    return [*group, claim_instruction(KEYS, order, owner, energy, quote)]


@given(st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=12))
def test_claims_pack_in_order_into_packets(creates: list[int]) -> None:
    groups = [_claim_group(count) for count in creates]
    packed = pack_instructions(groups, PAYER)
    assert [index for transaction in packed for index in transaction] == list(range(len(groups)))
    for transaction in packed:
        instructions = [each for index in transaction for each in groups[index]]
        size = len(bytes(build_transaction(instructions, PAYER, (), Hash.default())))
        assert size <= PACKET_BYTES
    # Greedy: each transaction but the last is full (the next claim would not fit).
    for transaction, following in itertools.pairwise(packed):
        grown = [each for index in [*transaction, following[0]] for each in groups[index]]
        size = len(bytes(build_transaction(grown, PAYER, (), Hash.default())))
        assert size > PACKET_BYTES


def _order() -> Order:
    return Order(
        market=KEYS.market,
        owner=Pubkey.new_unique(),
        order_id=1,
        price=1,
        quantity=10,
        filled=5,
        escrow=5,
        claimable_energy=0,
        claimable_quote=0,
        expiry=0,
        created_at=0,
        side=int(OrderSide.BUY),
        bump=255,
    )


def _refused(code: TradingErrorCode) -> ProgramFailedError:
    return ProgramFailedError("trading", code, TRADING_ERROR_MESSAGES[code], ())


def test_a_claim_raced_by_its_owner_is_benign_and_others_are_failures() -> None:
    order = _order()
    nothing = _refused_claim("o", order, _refused(TradingErrorCode.NOTHING_TO_CLAIM))
    closed = _refused_claim("o", order, _refused(TradingErrorCode.WRONG_ACCOUNT_OWNER))
    other = _refused_claim("o", order, _refused(TradingErrorCode.TOKEN_ACCOUNT_MISMATCH))
    assert (nothing.status, closed.status) == ("nothing_to_claim", "closed")
    assert (other.status, other.reason) == ("failed", "TokenAccountMismatch")
    assert nothing.owner == str(order.owner)


def test_refusals_name_the_trading_error_of_the_settle_instruction() -> None:
    closed = refusal_of({"InstructionError": [0, {"Custom": 6003}]}, 0)
    assert (closed.code, closed.reason) == (6003, "WrongAccountOwner")
    elsewhere = refusal_of({"InstructionError": [1, {"Custom": 6003}]}, 0)
    assert elsewhere.code is None
    fees = refusal_of("InsufficientFundsForFee", 0)
    assert (fees.code, fees.reason) == (None, "InsufficientFundsForFee")
