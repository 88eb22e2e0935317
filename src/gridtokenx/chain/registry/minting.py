"""Transactions that mint GXT from device-signed readings, several meters at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from gridtokenx.chain.ed25519 import SignedMessage, ed25519_instruction
from gridtokenx.chain.registry.instructions import MintFromReading
from gridtokenx.chain.registry.pda import config_address, meter_address, mint_authority_address


@dataclass(frozen=True)
class MintRequest:
    """One meter's signed reading and the owner's GXT token account that receives the mint."""

    meter_id: bytes
    owner_token_account: Pubkey
    reading: SignedMessage


def mint_instructions(
    program_id: Pubkey,
    gxt_mint: Pubkey,
    requests: Sequence[MintRequest],
    ed25519_instruction_index: int = 0,
) -> list[Instruction]:
    """The Ed25519 check and the mint, to be placed so that the first lands at
    ``ed25519_instruction_index`` in the transaction (after any compute-budget instructions)."""
    remaining = []
    for request in requests:
        meter, _ = meter_address(program_id, request.meter_id)
        remaining.append(AccountMeta(meter, is_signer=False, is_writable=True))
        remaining.append(
            AccountMeta(request.owner_token_account, is_signer=False, is_writable=True)
        )
    mint = MintFromReading(
        ed25519_instruction_index=ed25519_instruction_index, count=len(requests)
    ).instruction(
        program_id,
        {
            "config": config_address(program_id)[0],
            "mint_authority": mint_authority_address(program_id)[0],
            "gxt_mint": gxt_mint,
        },
        tuple(remaining),
    )
    return [ed25519_instruction([request.reading for request in requests]), mint]
