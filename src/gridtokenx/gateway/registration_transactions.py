"""The transactions of a meter registration, and the checks of what wallets send back. Pure.

Registering a meter needs two signatures in one transaction: the owner's (who pays) and the
Registry operator authority's (the grid operator's co-signature, ``register_meter``). The
owner signs first; an operator approves later, possibly hours later, so the registration
transaction cannot use a recent blockhash (it expires after about 150 slots). It uses a
durable nonce instead:

1. **Setup** (:func:`setup_transaction`), paid and signed by the owner: create a System nonce
   account whose authority is the Registry operator authority (the owner pays its rent), and
   ``register_user`` when the owner has no Registry user account yet. The nonce account's
   keypair is generated for this one account; its signature is filled in here and its secret
   is then dropped, so nobody holds it.
2. **Registration** (:func:`registration_message`), with the nonce account's stored nonce as
   its blockhash: ``AdvanceNonceAccount`` (authority: the operator authority), the Registry's
   ``register_meter``, and the idempotent creation of the owner's GXT associated token account
   (minting needs it). Fee payer and account 0: the owner; account 1: the operator authority.
   The owner signs it; the operator's wallet adds its signature when approving.

:func:`check_signed` accepts a transaction only if its message is byte for byte the message
the gateway prepared and every named signer's signature verifies over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0, MessageV1, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import (
    AdvanceNonceAccountParams,
    WithdrawNonceAccountParams,
    advance_nonce_account,
    create_nonce_account,
    withdraw_nonce_account,
)
from solders.transaction import VersionedTransaction

from gridtokenx.chain.registry.accounts import UserRole
from gridtokenx.chain.registry.instructions import RegisterMeter, RegisterUser
from gridtokenx.chain.registry.pda import config_address, meter_address, user_address
from gridtokenx.chain.spl_token import create_associated_token_account_idempotent
from gridtokenx.gateway.order_errors import TransactionSignerError
from gridtokenx.gateway.registration_errors import RegistrationTransactionMismatchError

NONCE_ACCOUNT_LEN = 80
"""A System nonce account: version u32, state u32, authority, stored nonce, fee (u64)."""
_NONCE_INITIALIZED = (1).to_bytes(4, "little")
_NONCE_AUTHORITY = slice(8, 40)
_STORED_NONCE = slice(40, 72)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterRegistration:
    """What one registration writes on chain."""

    registry_program: Pubkey
    gxt_mint: Pubkey
    authority: Pubkey
    """The Registry operator authority (co-signs, and is the nonce account's authority)."""
    owner: Pubkey
    meter_id: bytes
    """The meter UUID's 16 bytes."""
    device_pubkey: Pubkey
    kind: int
    zone: int
    nonce_account: Pubkey


@dataclass(frozen=True, slots=True)
class NonceState:
    authority: Pubkey
    nonce: Hash


def nonce_state(data: bytes) -> NonceState | None:
    """The authority and stored nonce of an initialized nonce account's data (else None)."""
    if len(data) != NONCE_ACCOUNT_LEN or data[4:8] != _NONCE_INITIALIZED:
        return None
    return NonceState(Pubkey.from_bytes(data[_NONCE_AUTHORITY]), Hash(data[_STORED_NONCE]))


def message_bytes(message: Message | MessageV0 | MessageV1) -> bytes:
    """The bytes a wallet signs."""
    if isinstance(message, Message):
        return bytes(message)
    return to_bytes_versioned(message)


def setup_transaction(
    registration: MeterRegistration,
    nonce_keypair: Keypair,
    *,
    nonce_rent: int,
    register_user: bool,
    blockhash: Hash,
) -> VersionedTransaction:
    """The owner's setup transaction, signed by ``nonce_keypair`` (the owner's slot is empty)."""
    if nonce_keypair.pubkey() != registration.nonce_account:
        raise ValueError("the nonce keypair is not the registration's nonce account")
    owner = registration.owner
    instructions: list[Instruction] = list(
        create_nonce_account(owner, registration.nonce_account, registration.authority, nonce_rent)
    )
    if register_user:
        program = registration.registry_program
        instructions.append(
            RegisterUser(role=UserRole.PROSUMER).instruction(
                program, {"user": user_address(program, owner)[0], "wallet": owner}
            )
        )
    message = Message.new_with_blockhash(instructions, owner, blockhash)
    return _partially_signed(message, [nonce_keypair])


def registration_message(registration: MeterRegistration, stored_nonce: Hash) -> Message:
    """The registration transaction's message, with ``stored_nonce`` as its blockhash."""
    program, owner, authority = (
        registration.registry_program,
        registration.owner,
        registration.authority,
    )
    instructions = [
        advance_nonce_account(
            AdvanceNonceAccountParams(
                nonce_pubkey=registration.nonce_account, authorized_pubkey=authority
            )
        ),
        RegisterMeter(
            meter_id=registration.meter_id,
            device_pubkey=registration.device_pubkey,
            kind=registration.kind,
            zone=registration.zone,
        ).instruction(
            program,
            {
                "meter": meter_address(program, registration.meter_id)[0],
                "owner": owner,
                "owner_user": user_address(program, owner)[0],
                "config": config_address(program)[0],
                "authority": authority,
            },
        ),
        create_associated_token_account_idempotent(owner, owner, registration.gxt_mint),
    ]
    return Message.new_with_blockhash(instructions, owner, stored_nonce)


def unsigned(message: Message) -> VersionedTransaction:
    """``message`` with every signature empty (all zero), as wallets receive it."""
    return _partially_signed(message, [])


def refund_message(registration: MeterRegistration, lamports: int, blockhash: Hash) -> Message:
    """Withdraw the nonce account's ``lamports`` (all of them closes it) to the owner: what the
    operator authority signs and pays after a rejection."""
    return Message.new_with_blockhash(
        [
            withdraw_nonce_account(
                WithdrawNonceAccountParams(
                    nonce_pubkey=registration.nonce_account,
                    authorized_pubkey=registration.authority,
                    to_pubkey=registration.owner,
                    lamports=lamports,
                )
            )
        ],
        registration.authority,
        blockhash,
    )


def _partially_signed(message: Message, signers: Sequence[Keypair]) -> VersionedTransaction:
    keys = list(message.account_keys[: message.header.num_required_signatures])
    signatures = [Signature.default()] * len(keys)
    signed = message_bytes(message)
    for signer in signers:
        signatures[keys.index(signer.pubkey())] = signer.sign_message(signed)
    return VersionedTransaction.populate(message, signatures)


def check_signed(
    transaction: VersionedTransaction, expected_message: bytes, signers: Sequence[Pubkey]
) -> None:
    """Refuse ``transaction`` unless its message is exactly ``expected_message`` and each of
    ``signers`` signed it (a valid Ed25519 signature in its slot)."""
    message = transaction.message
    if message_bytes(message) != expected_message:
        raise RegistrationTransactionMismatchError(
            "the signed transaction is not the one the gateway prepared for this registration "
            "(its instructions, accounts or blockhash differ); sign the prepared bytes unchanged"
        )
    keys = list(message.account_keys[: message.header.num_required_signatures])
    for signer in signers:
        signature = transaction.signatures[keys.index(signer)]
        if not signature.verify(signer, expected_message):
            raise TransactionSignerError(
                f"the transaction carries no valid signature of {signer}",
                {"signer": str(signer)},
            )
