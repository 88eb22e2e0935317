"""Signed mint transactions: the Ed25519 evidence of each reading, then ``mint_from_reading``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.transactions import build_transaction
from gridtokenx.chain.ed25519 import SignedMessage
from gridtokenx.chain.registry.minting import MintRequest, mint_instructions
from gridtokenx.core.ids import MeterId
from gridtokenx.minting.core import SignedWatermark
from gridtokenx.telemetry.reading import ReadingMessage, encode_reading

ED25519_INSTRUCTION_INDEX = 0
MINT_INSTRUCTION_INDEX = 1
"""Where ``mint_from_reading`` sits: right after its Ed25519 check (compute-budget
instructions, if any, come after both)."""
PACKET_BYTES = 1_232


@dataclass(frozen=True, slots=True)
class MintTarget:
    """What a mint of one meter needs besides the reading: its device key (the Ed25519
    check's public key) and the owner's GXT token account."""

    device_pubkey: bytes
    owner_token_account: Pubkey


def reading_message(watermark: SignedWatermark) -> bytes:
    return encode_reading(
        ReadingMessage(
            meter_id=MeterId(watermark.meter_id),
            export_wh=watermark.export_wh,
            import_wh=watermark.import_wh,
            timestamp_ms=watermark.timestamp_ms,
        )
    )


def mint_transaction(
    registry_program: Pubkey,
    gxt_mint: Pubkey,
    batch: Sequence[SignedWatermark],
    targets: Mapping[uuid.UUID, MintTarget],
    payer: Keypair,
    blockhash: Hash,
) -> VersionedTransaction:
    """The legacy transaction minting ``batch`` (one reading per meter), signed by ``payer``."""
    requests = [
        MintRequest(
            meter_id=watermark.meter_id.bytes,
            owner_token_account=targets[watermark.meter_id].owner_token_account,
            reading=SignedMessage(
                targets[watermark.meter_id].device_pubkey,
                watermark.signature,
                reading_message(watermark),
            ),
        )
        for watermark in batch
    ]
    instructions = mint_instructions(
        registry_program, gxt_mint, requests, ED25519_INSTRUCTION_INDEX
    )
    transaction = build_transaction(instructions, payer, (), blockhash)
    size = len(bytes(transaction))
    if size > PACKET_BYTES:
        raise ValueError(
            f"a mint of {len(batch)} readings is {size} bytes, over the {PACKET_BYTES}-byte "
            "packet; batch at most 3 readings per legacy transaction"
        )
    return transaction
