"""A Registry program deployed in LiteSVM through the upgradeable loader, with its GXT mint."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, create_account
from solders.token import ID as TOKEN_PROGRAM_ID
from spl.token.instructions import (
    create_associated_token_account,
    get_associated_token_address,
    initialize_mint,
)
from spl.token.models import InitializeMintParams

from gridtokenx.chain.deploy import LiteSvmSubmitter, deploy_program
from gridtokenx.chain.ed25519 import SignedMessage
from gridtokenx.chain.program_ids import REGISTRY, local_program_keypair
from gridtokenx.chain.registry.accounts import MeterAccount, MeterKind, UserRole
from gridtokenx.chain.registry.instructions import Initialize, RegisterMeter, RegisterUser
from gridtokenx.chain.registry.minting import MintRequest, mint_instructions
from gridtokenx.chain.registry.pda import (
    config_address,
    meter_address,
    mint_authority_address,
    user_address,
)
from gridtokenx.core.ids import meter_id_from_bytes
from gridtokenx.telemetry.reading import ReadingMessage, encode_reading
from tests.utils.svm import MINT_LEN, SOL, OperatedSvm


def reading_message(meter_id: bytes, export_wh: int, import_wh: int, timestamp_ms: int) -> bytes:
    return encode_reading(
        ReadingMessage(
            meter_id=meter_id_from_bytes(meter_id),
            export_wh=export_wh,
            import_wh=import_wh,
            timestamp_ms=timestamp_ms,
        )
    )


def sign_reading(
    device: Keypair, meter_id: bytes, export_wh: int, import_wh: int, timestamp_ms: int
) -> SignedMessage:
    message = reading_message(meter_id, export_wh, import_wh, timestamp_ms)
    return SignedMessage(bytes(device.pubkey()), bytes(device.sign_message(message)), message)


@dataclass
class Meter:
    meter_id: bytes
    owner: Keypair
    device: Keypair
    token_account: Pubkey


@dataclass
class RegistryHarness(OperatedSvm):
    program_id: Pubkey
    gxt_mint: Pubkey

    @classmethod
    def deploy(cls, program_bytes: bytes) -> RegistryHarness:
        svm = LiteSVM()
        operator = Keypair()
        svm.airdrop(operator.pubkey(), 100 * SOL)
        program = local_program_keypair(REGISTRY)
        deploy_program(LiteSvmSubmitter(svm), operator, program, program_bytes)
        program_id = program.pubkey()
        mint = Keypair()
        harness = cls(svm, operator, program_id, mint.pubkey())
        mint_authority = mint_authority_address(program_id)[0]
        harness.expect_ok(harness.create_mint(mint, mint_authority), [mint])
        harness.expect_ok(
            [
                Initialize().instruction(
                    program_id,
                    {
                        "config": config_address(program_id)[0],
                        "authority": operator.pubkey(),
                        "gxt_mint": mint.pubkey(),
                        "mint_authority": mint_authority,
                    },
                )
            ]
        )
        return harness

    def create_mint(self, mint: Keypair, authority: Pubkey, decimals: int = 6) -> list[Instruction]:
        rent = self.svm.minimum_balance_for_rent_exemption(MINT_LEN)
        return [
            create_account(
                CreateAccountParams(
                    from_pubkey=self.operator.pubkey(),
                    to_pubkey=mint.pubkey(),
                    lamports=rent,
                    space=MINT_LEN,
                    owner=TOKEN_PROGRAM_ID,
                )
            ),
            initialize_mint(
                InitializeMintParams(
                    decimals=decimals,
                    program_id=TOKEN_PROGRAM_ID,
                    mint=mint.pubkey(),
                    mint_authority=authority,
                )
            ),
        ]

    def register_user_instruction(self, wallet: Pubkey, role: int) -> Instruction:
        return RegisterUser(role=role).instruction(
            self.program_id, {"user": user_address(self.program_id, wallet)[0], "wallet": wallet}
        )

    def register_meter_instruction(
        self, owner: Pubkey, meter_id: bytes, device: Pubkey, kind: int = MeterKind.SOLAR
    ) -> Instruction:
        return RegisterMeter(
            meter_id=meter_id, device_pubkey=device, kind=kind, zone=7
        ).instruction(
            self.program_id,
            {
                "meter": meter_address(self.program_id, meter_id)[0],
                "owner": owner,
                "owner_user": user_address(self.program_id, owner)[0],
                "config": config_address(self.program_id)[0],
                "authority": self.operator.pubkey(),
            },
        )

    def token_account(self, owner: Pubkey) -> Pubkey:
        address = get_associated_token_address(owner, self.gxt_mint)
        if self.svm.get_account(address) is None:
            self.expect_ok(
                [create_associated_token_account(self.operator.pubkey(), owner, self.gxt_mint)]
            )
        return address

    def new_meter(self, owner: Keypair | None = None) -> Meter:
        owner = owner or self.funded()
        if self.svm.get_account(user_address(self.program_id, owner.pubkey())[0]) is None:
            self.expect_ok(
                [self.register_user_instruction(owner.pubkey(), UserRole.PROSUMER)], [owner]
            )
        meter_id = uuid.uuid4().bytes
        device = Keypair()
        self.expect_ok(
            [self.register_meter_instruction(owner.pubkey(), meter_id, device.pubkey())], [owner]
        )
        return Meter(meter_id, owner, device, self.token_account(owner.pubkey()))

    def mint(
        self, readings: Sequence[tuple[Meter, SignedMessage]], destination: Pubkey | None = None
    ) -> list[Instruction]:
        return mint_instructions(
            self.program_id,
            self.gxt_mint,
            [
                MintRequest(meter.meter_id, destination or meter.token_account, signed)
                for meter, signed in readings
            ],
        )

    def meter_state(self, meter: Meter) -> MeterAccount:
        account = self.svm.get_account(meter_address(self.program_id, meter.meter_id)[0])
        assert account is not None
        return MeterAccount.decode(bytes(account.data))

    def supply(self) -> int:
        return self.mint_supply(self.gxt_mint)
