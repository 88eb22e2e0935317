"""The transaction that rotates a meter's device key, and the check of what the operator's
wallet sends back. Pure.

``rotate_device_key`` (Registry; accounts ``config``, ``authority`` [signer], ``meter``
[writable]) replaces the key the program checks every reading's Ed25519 signature against. Only
the Registry operator authority may send it, so the grid operator's wallet is the fee payer and
only signer: the gateway prepares the message with a recent blockhash, the wallet signs it, and
:func:`check_rotation` accepts it back only if its message is exactly the one the gateway
builds for the same meter, key and blockhash, signed by the authority.
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.hash import Hash
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from gridtokenx.chain.registry.instructions import RotateDeviceKey
from gridtokenx.chain.registry.pda import config_address, meter_address
from gridtokenx.gateway.meter_key_errors import MeterKeyTransactionMismatchError
from gridtokenx.gateway.registration_transactions import check_signed, message_bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRotation:
    registry_program: Pubkey
    authority: Pubkey
    """The Registry operator authority: signs and pays."""
    meter_id: bytes
    """The meter UUID's 16 bytes."""
    new_device_pubkey: Pubkey


def rotation_message(rotation: KeyRotation, blockhash: Hash) -> Message:
    program = rotation.registry_program
    instruction = RotateDeviceKey(new_device_pubkey=rotation.new_device_pubkey).instruction(
        program,
        {
            "config": config_address(program)[0],
            "authority": rotation.authority,
            "meter": meter_address(program, rotation.meter_id)[0],
        },
    )
    return Message.new_with_blockhash([instruction], rotation.authority, blockhash)


def check_rotation(transaction: VersionedTransaction, rotation: KeyRotation) -> None:
    """Refuse ``transaction`` unless it is :func:`rotation_message` of ``rotation`` (on the
    blockhash it carries) with a valid signature of the authority."""
    expected = message_bytes(rotation_message(rotation, transaction.message.recent_blockhash))
    if message_bytes(transaction.message) != expected:
        raise MeterKeyTransactionMismatchError(
            "the signed transaction is not the key rotation the gateway prepares for this meter "
            "and key; sign the prepared bytes unchanged"
        )
    check_signed(transaction, expected, [rotation.authority])
