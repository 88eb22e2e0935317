"""What ``/v1/transactions/submit`` relays: only the caller's own order transactions (pure)."""

from __future__ import annotations

import base64

import pytest
from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.transactions import compute_budget_instructions
from gridtokenx.chain.spl_token import (
    associated_token_address,
    create_associated_token_account_idempotent,
)
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderFill,
    OrderRequest,
    claim_instruction,
    place_order_instruction,
    settle_instruction,
)
from gridtokenx.gateway.order_errors import (
    TransactionMalformedError,
    TransactionRefusedError,
    TransactionSignerError,
)
from gridtokenx.gateway.order_transactions import (
    check_transaction,
    decode_transaction,
    unsigned_transaction,
)

PROGRAM = Pubkey.new_unique()
KEYS = MarketKeys.derive(PROGRAM, Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique())
BLOCKHASH = Hash.new_unique()
WALLET = Keypair()


def _place(owner: Pubkey) -> Instruction:
    request = OrderRequest(
        owner=owner,
        order_id=1,
        side=OrderSide.BUY,
        price=1_000,
        quantity=1_000,
        source=associated_token_address(owner, KEYS.quote_mint),
    )
    return place_order_instruction(KEYS, request)


def _signed(instructions: list[Instruction], *signers: Keypair) -> VersionedTransaction:
    unsigned = VersionedTransaction.from_bytes(
        unsigned_transaction(instructions, signers[0].pubkey(), BLOCKHASH)
    )
    message = to_bytes_versioned(unsigned.message)
    return VersionedTransaction.populate(
        unsigned.message, [signer.sign_message(message) for signer in signers]
    )


def _check(transaction: VersionedTransaction) -> str:
    checked = check_transaction(transaction, wallet=WALLET.pubkey(), trading_program=PROGRAM)
    return checked.kind


def test_a_prepared_transaction_is_unsigned_and_paid_by_the_wallet() -> None:
    raw = unsigned_transaction([_place(WALLET.pubkey())], WALLET.pubkey(), BLOCKHASH)
    transaction = VersionedTransaction.from_bytes(raw)
    assert list(transaction.signatures) == [Signature.default()]
    assert transaction.message.account_keys[0] == WALLET.pubkey()
    assert transaction.message.recent_blockhash == BLOCKHASH
    assert decode_transaction(base64.b64encode(raw).decode()) == transaction


def test_the_wallets_own_order_transactions_pass() -> None:
    budget = compute_budget_instructions(60_000, 5)
    ata = create_associated_token_account_idempotent(
        WALLET.pubkey(), WALLET.pubkey(), KEYS.energy_mint
    )
    assert _check(_signed([*budget, _place(WALLET.pubkey())], WALLET)) == "place_order"
    order = KEYS.order(WALLET.pubkey(), 1)
    energy = associated_token_address(WALLET.pubkey(), KEYS.energy_mint)
    quote = associated_token_address(WALLET.pubkey(), KEYS.quote_mint)
    claim = claim_instruction(KEYS, order, WALLET.pubkey(), energy, quote)
    assert _check(_signed([*budget, ata, claim], WALLET)) == "claim"


def test_anything_else_is_refused_with_its_reason() -> None:
    other = Keypair()
    place = _place(WALLET.pubkey())
    order = KEYS.order(other.pubkey(), 1)
    foreign_claim = claim_instruction(
        KEYS,
        order,
        other.pubkey(),
        associated_token_address(other.pubkey(), KEYS.energy_mint),
        associated_token_address(other.pubkey(), KEYS.quote_mint),
    )
    settle = settle_instruction(KEYS, WALLET.pubkey(), [OrderFill(order, order, 1, 1)])
    foreign_ata = create_associated_token_account_idempotent(
        WALLET.pubkey(), other.pubkey(), KEYS.energy_mint
    )
    cases = [
        ([place, place], "trading_instruction_count"),
        ([], "trading_instruction_count"),
        ([settle], "trading_instruction_kind"),
        ([foreign_claim], "foreign_owner"),
        ([foreign_ata, place], "foreign_owner"),
        ([Instruction(Pubkey.new_unique(), b"", []), place], "foreign_instruction"),
    ]
    for instructions, reason in cases:
        with pytest.raises(TransactionRefusedError) as refused:
            _check(_signed(instructions, WALLET))
        assert refused.value.details["reason"] == reason, instructions


def test_the_wallet_alone_must_sign_and_its_signature_must_verify() -> None:
    other = Keypair()
    with pytest.raises(TransactionSignerError):
        _check(_signed([_place(other.pubkey())], other))
    with pytest.raises(TransactionSignerError):  # a co-signer besides the wallet
        _check(_signed([_place(other.pubkey())], WALLET, other))
    signed = _signed([_place(WALLET.pubkey())], WALLET)
    forged = VersionedTransaction.populate(signed.message, [other.sign_message(b"x")])
    with pytest.raises(TransactionSignerError):
        _check(forged)


def test_lookup_tables_are_refused() -> None:
    table = AddressLookupTableAccount(Pubkey.new_unique(), [KEYS.market, KEYS.quote_vault])
    message = MessageV0.try_compile(WALLET.pubkey(), [_place(WALLET.pubkey())], [table], BLOCKHASH)
    signed = VersionedTransaction(message, [WALLET])
    with pytest.raises(TransactionRefusedError) as refused:
        _check(signed)
    assert refused.value.details["reason"] == "lookup_tables"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64!",
        base64.b64encode(b"\x00" * 10).decode(),
        base64.b64encode(b"\x01" * 2_000).decode(),
    ],
)
def test_malformed_bytes_are_refused(text: str) -> None:
    with pytest.raises(TransactionMalformedError):
        decode_transaction(text)


def test_trailing_bytes_are_refused() -> None:
    raw = bytes(_signed([_place(WALLET.pubkey())], WALLET))
    with pytest.raises(TransactionMalformedError):
        decode_transaction(base64.b64encode(raw + b"\x00").decode())
