"""Funded traders on the local node: SOL and local USDC from the faucet, GXT minted by the
Registry from a meter reading signed here (the GXT mint's only authority is the Registry).

For tests and benchmarks that need many wallets holding real tokens without running the
simulator and the minting service. Minting registers the wallet as a prosumer with a fresh
meter (the operator co-signs, as for every meter) and mints the meter's first reading; a wallet
gets GXT this way once. Only on the local node: the faucet refuses any other cluster.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import ChainAddresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.ed25519 import SignedMessage
from gridtokenx.chain.faucet import LocalFaucet
from gridtokenx.chain.keys import OPERATOR_KEY, local_keypair
from gridtokenx.chain.registry.accounts import MeterKind, UserRole
from gridtokenx.chain.registry.instructions import RegisterMeter, RegisterUser
from gridtokenx.chain.registry.minting import MintRequest, mint_instructions
from gridtokenx.chain.registry.pda import config_address, meter_address, user_address
from gridtokenx.chain.spl_token import (
    associated_token_address,
    create_associated_token_account_idempotent,
)
from gridtokenx.config import Settings
from gridtokenx.core.ids import meter_id_from_bytes
from gridtokenx.telemetry.reading import ReadingMessage, encode_reading

GXT_PER_WH = 1_000
"""GXT base units minted per Wh exported."""


@dataclass(frozen=True)
class Trader:
    """A wallet with its associated GXT and USDC token accounts (both exist)."""

    wallet: Keypair
    energy_account: Pubkey
    quote_account: Pubkey

    @property
    def key(self) -> Pubkey:
        return self.wallet.pubkey()


class TraderFunding:
    """Funds wallets on the local node of ``settings`` through ``client``."""

    def __init__(self, client: ChainClient, settings: Settings, addresses: ChainAddresses) -> None:
        self.client = client
        self.addresses = addresses
        self._faucet = LocalFaucet.from_settings(settings, client)
        self._operator = local_keypair(settings.chain_keys_dir, OPERATOR_KEY)

    async def fund(
        self,
        wallet: Keypair | None = None,
        *,
        lamports: int,
        usdc_base_units: int = 0,
        energy_wh: int = 0,
    ) -> Trader:
        """``wallet`` (a new one by default) with ``lamports``, ``usdc_base_units`` of local
        USDC, both token accounts, and ``energy_wh`` Wh worth of GXT (1,000 base units a Wh)
        when ``energy_wh`` is positive (the wallet must not be registered with the Registry)."""
        wallet = wallet or Keypair()
        await self._faucet.fund(wallet.pubkey(), lamports=lamports, usdc_base_units=usdc_base_units)
        gxt, quote = self.addresses.gxt_mint, self.addresses.quote_mint
        owner = wallet.pubkey()
        await self.client.send_and_confirm(
            [
                create_associated_token_account_idempotent(owner, owner, gxt),
                create_associated_token_account_idempotent(owner, owner, quote),
            ],
            [],
            wallet,
        )
        trader = Trader(
            wallet, associated_token_address(owner, gxt), associated_token_address(owner, quote)
        )
        if energy_wh > 0:
            await self._mint(trader, energy_wh)
        return trader

    async def register_meter(self, trader: Trader, meter_id: bytes, device: Pubkey) -> None:
        """Register ``trader`` (as a prosumer) and a solar meter ``meter_id`` (16 bytes) with
        the ``device`` key in zone 1, co-signed by the Registry operator authority."""
        registry = self.addresses.registry_program
        owner_user = user_address(registry, trader.key)[0]
        register_user = RegisterUser(role=UserRole.PROSUMER).instruction(
            registry, {"user": owner_user, "wallet": trader.key}
        )
        register_meter = RegisterMeter(
            meter_id=meter_id, device_pubkey=device, kind=MeterKind.SOLAR, zone=1
        ).instruction(
            registry,
            {
                "meter": meter_address(registry, meter_id)[0],
                "owner": trader.key,
                "owner_user": owner_user,
                "config": config_address(registry)[0],
                "authority": self._operator.pubkey(),
            },
        )
        await self.client.send_and_confirm(
            [register_user, register_meter], [self._operator], trader.wallet
        )

    async def _mint(self, trader: Trader, energy_wh: int) -> None:
        meter_id, device = uuid.uuid4().bytes, Keypair()
        await self.register_meter(trader, meter_id, device.pubkey())
        message = encode_reading(
            ReadingMessage(
                meter_id=meter_id_from_bytes(meter_id),
                export_wh=energy_wh,
                import_wh=0,
                timestamp_ms=int(time.time() * 1000),
            )
        )
        reading = SignedMessage(
            bytes(device.pubkey()), bytes(device.sign_message(message)), message
        )
        await self.client.send_and_confirm(
            mint_instructions(
                self.addresses.registry_program,
                self.addresses.gxt_mint,
                [MintRequest(meter_id, trader.energy_account, reading)],
            ),
            [],
            trader.wallet,
        )
