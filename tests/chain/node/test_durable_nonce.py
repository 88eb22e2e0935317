"""Durable-nonce transactions on the node's ledger: accepted long after every recent blockhash
expired, refused once the nonce was used, and reproduced byte for byte by a log replay."""

from __future__ import annotations

import pytest
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import (
    AdvanceNonceAccountParams,
    TransferParams,
    advance_nonce_account,
    create_nonce_account,
    transfer,
)
from solders.transaction import Transaction, VersionedTransaction

from gridtokenx.chain.node.errors import RpcError
from gridtokenx.chain.node.genesis import Genesis
from gridtokenx.chain.node.ledger import Ledger
from gridtokenx.chain.node.wal import decode_records

SLOT_MS = 400
VALID_SLOTS = 150
NONCE_RENT = 1_447_680


@pytest.fixture
def genesis() -> Genesis:
    return Genesis(unix_ms=0, slot_ms=SLOT_MS, faucet=Keypair(), hash=Hash.new_unique())


def _signed(
    instructions: list[Instruction], signers: list[Keypair], blockhash: Hash
) -> VersionedTransaction:
    message = Message.new_with_blockhash(instructions, signers[0].pubkey(), blockhash)
    return VersionedTransaction.from_legacy(Transaction(signers, message, blockhash))


def _submit(ledger: Ledger, transaction: VersionedTransaction) -> None:
    ledger.submit(transaction, bytes(transaction), preflight=True)


def _stored_nonce(ledger: Ledger, nonce: Pubkey) -> Hash:
    account = ledger.account(nonce)
    assert account is not None
    return Hash(bytes(account.data[40:72]))


def _nonce_payment(
    payer: Keypair, authority: Keypair, nonce: Pubkey, to: Pubkey, blockhash: Hash
) -> VersionedTransaction:
    advance = advance_nonce_account(
        AdvanceNonceAccountParams(nonce_pubkey=nonce, authorized_pubkey=authority.pubkey())
    )
    pay = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=to, lamports=1_000_000))
    return _signed([advance, pay], [payer, authority], blockhash)


def test_a_durable_nonce_outlives_the_blockhash_window_and_is_single_use(
    genesis: Genesis,
) -> None:
    ledger = Ledger(genesis, VALID_SLOTS)
    ledger.advance(10 * SLOT_MS)
    payer, authority, nonce = Keypair(), Keypair(), Keypair()
    ledger.airdrop(payer.pubkey(), 10**10)
    _submit(
        ledger,
        _signed(
            list(
                create_nonce_account(payer.pubkey(), nonce.pubkey(), authority.pubkey(), NONCE_RENT)
            ),
            [payer, nonce],
            ledger.window.latest,
        ),
    )
    stored = _stored_nonce(ledger, nonce.pubkey())
    assert not ledger.window.is_valid(stored)

    # Far beyond the window of the blockhash it was created under.
    ledger.advance((10 + 3 * VALID_SLOTS) * SLOT_MS)
    recipient = Pubkey.new_unique()
    _submit(ledger, _nonce_payment(payer, authority, nonce.pubkey(), recipient, stored))
    account = ledger.account(recipient)
    assert account is not None
    assert account.lamports == 1_000_000
    advanced = _stored_nonce(ledger, nonce.pubkey())
    assert advanced != stored

    # A second transaction on the used nonce is refused like an expired blockhash.
    ledger.advance((11 + 3 * VALID_SLOTS) * SLOT_MS)
    with pytest.raises(RpcError) as raised:
        _submit(
            ledger, _nonce_payment(payer, authority, nonce.pubkey(), Pubkey.new_unique(), stored)
        )
    assert isinstance(raised.value.data, dict)
    assert raised.value.data["err"] == "BlockhashNotFound"

    # Only the nonce authority advances it.
    with pytest.raises(RpcError):
        _submit(ledger, _nonce_payment(payer, Keypair(), nonce.pubkey(), recipient, advanced))

    # The log replays into the same stored nonce, so a transaction signed before a restart
    # still lands after it.
    _, log = ledger.take_pending()
    restarted = Ledger(genesis, VALID_SLOTS)
    for slot, raw in decode_records(log)[0]:
        restarted.replay(slot, raw)
    restarted.advance((12 + 3 * VALID_SLOTS) * SLOT_MS)
    assert _stored_nonce(restarted, nonce.pubkey()) == advanced
    _submit(restarted, _nonce_payment(payer, authority, nonce.pubkey(), recipient, advanced))
    assert _stored_nonce(restarted, nonce.pubkey()) != advanced


def test_a_blockhash_that_is_no_stored_nonce_stays_refused(genesis: Genesis) -> None:
    ledger = Ledger(genesis, VALID_SLOTS)
    ledger.advance(10 * SLOT_MS)
    payer, authority = Keypair(), Keypair()
    ledger.airdrop(payer.pubkey(), 10**10)
    # AdvanceNonceAccount first, but on an account that is no nonce account.
    with pytest.raises(RpcError) as raised:
        _submit(
            ledger,
            _nonce_payment(
                payer, authority, payer.pubkey(), Pubkey.new_unique(), Hash.new_unique()
            ),
        )
    assert isinstance(raised.value.data, dict)
    assert raised.value.data["err"] == "BlockhashNotFound"
