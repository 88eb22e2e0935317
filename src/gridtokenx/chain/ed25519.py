"""Ed25519SigVerify instructions: signatures the runtime verifies before any program runs.

Data layout (the native program's): ``num_signatures u8``, one padding byte, then per signature
seven ``u16`` offsets — signature, its instruction index, public key, its instruction index,
message, message size, its instruction index — and then the keys, signatures and messages
themselves. Every offset built here points into this instruction's own data (instruction index
``u16::MAX``), which is what the Registry program insists on.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.pubkey import Pubkey

ED25519_PROGRAM_ID = Pubkey.from_string("Ed25519SigVerify111111111111111111111111111")
THIS_INSTRUCTION = 0xFFFF
PUBLIC_KEY_LEN = 32
SIGNATURE_LEN = 64
_HEADER_LEN = 2
_OFFSETS = struct.Struct("<7H")


@dataclass(frozen=True)
class SignedMessage:
    public_key: bytes
    signature: bytes
    message: bytes


def ed25519_instruction(signed: Sequence[SignedMessage]) -> Instruction:
    """One Ed25519SigVerify instruction checking every message of ``signed``, in order."""
    if not 1 <= len(signed) <= 255:
        raise ValueError(f"an Ed25519 instruction carries 1 to 255 signatures, not {len(signed)}")
    offsets = bytearray()
    payload = bytearray()
    payload_start = _HEADER_LEN + _OFFSETS.size * len(signed)
    for item in signed:
        if len(item.public_key) != PUBLIC_KEY_LEN or len(item.signature) != SIGNATURE_LEN:
            raise ValueError("Ed25519 keys are 32 bytes and signatures 64 bytes")
        key_offset = payload_start + len(payload)
        signature_offset = key_offset + PUBLIC_KEY_LEN
        message_offset = signature_offset + SIGNATURE_LEN
        payload += item.public_key + item.signature + item.message
        offsets += _OFFSETS.pack(
            signature_offset,
            THIS_INSTRUCTION,
            key_offset,
            THIS_INSTRUCTION,
            message_offset,
            len(item.message),
            THIS_INSTRUCTION,
        )
    data = bytes([len(signed), 0]) + bytes(offsets) + bytes(payload)
    if len(data) > 0xFFFF:
        raise ValueError("the Ed25519 instruction's data exceeds 65535 bytes")
    return Instruction(ED25519_PROGRAM_ID, data, [])
