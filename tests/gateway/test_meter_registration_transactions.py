"""The registration transactions' pure core: layout of the setup and registration transactions,
and :func:`check_signed` refusing any changed byte or a missing or foreign signature."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.transaction import VersionedTransaction

from gridtokenx.chain.registry.instructions import RegisterMeter
from gridtokenx.gateway.order_errors import TransactionSignerError
from gridtokenx.gateway.registration_errors import RegistrationTransactionMismatchError
from gridtokenx.gateway.registration_transactions import (
    MeterRegistration,
    check_signed,
    message_bytes,
    nonce_state,
    registration_message,
    setup_transaction,
)

OWNER, AUTHORITY, NONCE = Keypair(), Keypair(), Keypair()
REGISTRATION = MeterRegistration(
    registry_program=Pubkey.new_unique(),
    gxt_mint=Pubkey.new_unique(),
    authority=AUTHORITY.pubkey(),
    owner=OWNER.pubkey(),
    meter_id=uuid.uuid4().bytes,
    device_pubkey=Keypair().pubkey(),
    kind=1,
    zone=3,
    nonce_account=NONCE.pubkey(),
)
STORED_NONCE = Hash.new_unique()


def _signed(message: Message, *signers: Keypair) -> VersionedTransaction:
    keys = list(message.account_keys[: message.header.num_required_signatures])
    signatures = [Signature.default()] * len(keys)
    for signer in signers:
        signatures[keys.index(signer.pubkey())] = signer.sign_message(message_bytes(message))
    return VersionedTransaction.populate(message, signatures)


def test_the_registration_is_owner_paid_operator_cosigned_and_uses_the_nonce() -> None:
    message = registration_message(REGISTRATION, STORED_NONCE)
    assert message.recent_blockhash == STORED_NONCE
    assert list(message.account_keys[:2]) == [OWNER.pubkey(), AUTHORITY.pubkey()]
    assert message.header.num_required_signatures == 2
    advance, register, create_ata = message.instructions
    assert message.account_keys[advance.program_id_index] == SYSTEM_PROGRAM_ID
    assert bytes(advance.data)[:4] == (4).to_bytes(4, "little")
    assert message.account_keys[advance.accounts[0]] == NONCE.pubkey()
    assert bytes(register.data)[:8] == RegisterMeter.discriminator()
    assert message.account_keys[create_ata.program_id_index] != SYSTEM_PROGRAM_ID


def test_the_setup_carries_the_nonce_keys_signature_and_an_empty_owner_slot() -> None:
    transaction = setup_transaction(
        REGISTRATION, NONCE, nonce_rent=1_447_680, register_user=True, blockhash=Hash.new_unique()
    )
    message = transaction.message
    keys = list(message.account_keys[: message.header.num_required_signatures])
    assert keys == [OWNER.pubkey(), NONCE.pubkey()]
    assert transaction.signatures[0] == Signature.default()
    assert transaction.signatures[1].verify(NONCE.pubkey(), message_bytes(message))
    assert len(message.instructions) == 3  # create, initialize nonce, register_user
    with pytest.raises(ValueError, match="nonce keypair"):
        setup_transaction(
            REGISTRATION, Keypair(), nonce_rent=1, register_user=False, blockhash=Hash.default()
        )


def test_nonce_state_reads_only_initialized_nonce_accounts() -> None:
    data = (
        (1).to_bytes(4, "little")
        + (1).to_bytes(4, "little")
        + bytes(AUTHORITY.pubkey())
        + bytes(STORED_NONCE)
        + (5000).to_bytes(8, "little")
    )
    state = nonce_state(data)
    assert state is not None
    assert (state.authority, state.nonce) == (AUTHORITY.pubkey(), STORED_NONCE)
    assert nonce_state(data[:4] + bytes(4) + data[8:]) is None
    assert nonce_state(data + b"\0") is None


def test_check_signed_accepts_the_prepared_message_signed_by_both() -> None:
    message = registration_message(REGISTRATION, STORED_NONCE)
    expected = message_bytes(message)
    check_signed(_signed(message, OWNER, AUTHORITY), expected, [OWNER.pubkey(), AUTHORITY.pubkey()])
    check_signed(_signed(message, OWNER), expected, [OWNER.pubkey()])
    with pytest.raises(TransactionSignerError):
        check_signed(_signed(message, OWNER), expected, [OWNER.pubkey(), AUTHORITY.pubkey()])
    foreign = _signed(message, AUTHORITY)
    with pytest.raises(TransactionSignerError):
        check_signed(foreign, expected, [OWNER.pubkey()])


@settings(max_examples=200, deadline=None)
@given(index=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_of_the_message_is_refused(index: int, flip: int) -> None:
    message = registration_message(REGISTRATION, STORED_NONCE)
    expected = message_bytes(message)
    changed = bytearray(expected)
    changed[index % len(changed)] ^= flip
    try:
        tampered = Message.from_bytes(bytes(changed))
    except Exception:  # not a message at all: a wallet could not have signed it either
        return
    with pytest.raises(RegistrationTransactionMismatchError):
        check_signed(_signed(tampered, *_present(tampered)), expected, [OWNER.pubkey()])


def _present(message: Message) -> list[Keypair]:
    keys = set(message.account_keys[: message.header.num_required_signatures])
    return [k for k in (OWNER, AUTHORITY) if k.pubkey() in keys]
