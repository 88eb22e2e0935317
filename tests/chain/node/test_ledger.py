"""The ledger and subscriptions in-process: blockhash window, landing, replay, notifications."""

from __future__ import annotations

import pytest
from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction, VersionedTransaction

from gridtokenx.chain.node.errors import RpcError
from gridtokenx.chain.node.genesis import Genesis
from gridtokenx.chain.node.ledger import Ledger
from gridtokenx.chain.node.subscriptions import Subscriptions
from gridtokenx.chain.node.wal import decode_records

SLOT_MS = 400
VALID_SLOTS = 150


@pytest.fixture
def genesis() -> Genesis:
    return Genesis(unix_ms=0, slot_ms=SLOT_MS, faucet=Keypair(), hash=Hash.new_unique())


def _ledger(genesis: Genesis, slot: int = 10) -> Ledger:
    ledger = Ledger(genesis, VALID_SLOTS)
    ledger.advance(slot * SLOT_MS)
    return ledger


def _transfer(payer: Keypair, to: Pubkey, lamports: int, blockhash: Hash) -> VersionedTransaction:
    instruction = transfer(
        TransferParams(from_pubkey=payer.pubkey(), to_pubkey=to, lamports=lamports)
    )
    signed = Transaction([payer], Message([instruction], payer.pubkey()), blockhash)
    return VersionedTransaction.from_legacy(signed)


def _submit(ledger: Ledger, transaction: VersionedTransaction, *, preflight: bool = True) -> None:
    ledger.submit(transaction, bytes(transaction), preflight=preflight)


def test_blockhashes_expire_after_the_window(genesis: Genesis) -> None:
    ledger = _ledger(genesis)
    payer = Keypair()
    ledger.airdrop(payer.pubkey(), 10**9)
    old = ledger.window.latest
    ledger.advance((10 + VALID_SLOTS + 1) * SLOT_MS)
    with pytest.raises(RpcError) as raised:
        _submit(ledger, _transfer(payer, Pubkey.new_unique(), 1_000_000, old))
    assert raised.value.code == -32002
    assert raised.value.data == {
        "err": "BlockhashNotFound",
        "logs": [],
        "accounts": None,
        "unitsConsumed": 0,
        "returnData": None,
        "innerInstructions": None,
        "replacementBlockhash": None,
    }
    still_valid = _transfer(payer, Pubkey.new_unique(), 1_000_000, ledger.window.latest)
    _submit(ledger, still_valid)
    assert still_valid.signatures[0] in ledger.records


def test_failures_without_preflight_land_and_pay_the_fee(genesis: Genesis) -> None:
    ledger = _ledger(genesis)
    payer = Keypair()
    ledger.airdrop(payer.pubkey(), 10**9)
    overdraft = _transfer(payer, Pubkey.new_unique(), 10**12, ledger.window.latest)
    _submit(ledger, overdraft, preflight=False)
    record = ledger.records[overdraft.signatures[0]]
    assert record.err == {"InstructionError": [0, {"Custom": 1}]}
    assert record.post_balances[0] == record.pre_balances[0] - 5_000
    unsigned = VersionedTransaction.from_legacy(
        Transaction.new_unsigned(overdraft.message)  # type: ignore[arg-type]
    )
    _submit(ledger, unsigned, preflight=False)  # dropped: a bad signature never lands
    assert len(ledger.records) == 2


def test_replaying_the_log_rebuilds_the_same_state(genesis: Genesis) -> None:
    ledger = _ledger(genesis)
    payer, recipient = Keypair(), Pubkey.new_unique()
    ledger.airdrop(payer.pubkey(), 10**9)
    for lamports in (1_000_000, 2_000_000):
        _submit(ledger, _transfer(payer, recipient, lamports, ledger.window.latest))
    records, log = ledger.take_pending()
    assert not ledger.has_pending

    restarted = Ledger(genesis, VALID_SLOTS)
    for slot, raw in decode_records(log)[0]:
        restarted.replay(slot, raw)
    for address in (payer.pubkey(), recipient):
        assert restarted.account(address) == ledger.account(address)
    for record in records:
        replayed = restarted.records[record.signature]
        assert replayed.durable
        assert (replayed.slot, replayed.post_balances) == (record.slot, record.post_balances)
    assert not restarted.has_pending


def test_a_commit_notifies_exactly_the_subscribers_it_concerns(genesis: Genesis) -> None:
    ledger = _ledger(genesis)
    hub = Subscriptions()
    payer, recipient, bystander = Keypair(), Pubkey.new_unique(), Pubkey.new_unique()
    ledger.airdrop(payer.pubkey(), 10**9)
    ledger.take_pending()
    sent = _transfer(payer, recipient, 1_000_000, ledger.window.latest)
    ids = {
        "signature": hub.subscribe("a", "signatureSubscribe", [str(sent.signatures[0])]),
        "account": hub.subscribe("a", "accountSubscribe", [str(recipient), {"encoding": "base64"}]),
        "bystander": hub.subscribe("b", "accountSubscribe", [str(bystander)]),
        "logs": hub.subscribe("b", "logsSubscribe", [{"mentions": [str(recipient)]}]),
        "program": hub.subscribe("b", "programSubscribe", [str(SYSTEM_PROGRAM_ID)]),
    }
    _submit(ledger, sent)
    records, _ = ledger.take_pending()
    notified = {
        notification["params"]["subscription"]: (connection, notification["method"])  # type: ignore[index]
        for connection, notification in hub.notifications(records, ledger)
    }
    assert notified == {
        ids["signature"]: ("a", "signatureNotification"),
        ids["account"]: ("a", "accountNotification"),
        ids["logs"]: ("b", "logsNotification"),
        ids["program"]: ("b", "programNotification"),
    }
    assert len(hub) == 4  # a signature subscription ends with its notification
    hub.drop("a")
    hub.drop("b")
    assert (len(hub), hub.connection_count) == (0, 0)


def test_unsubscribe_checks_owner_and_kind() -> None:
    hub = Subscriptions()
    subscription = hub.subscribe("a", "logsSubscribe", ["all"])
    for connection, method in (("b", "logsUnsubscribe"), ("a", "accountUnsubscribe")):
        with pytest.raises(RpcError):
            hub.unsubscribe(connection, method, [subscription])
    assert hub.unsubscribe("a", "logsUnsubscribe", [subscription])
    with pytest.raises(RpcError):
        hub.subscribe("a", "logsSubscribe", ["everything"])
    assert len(hub) == 0
