"""Traders on a private bootstrapped chain (funded by ``tests.utils.traders``) and a desk that
places, cancels, settles and claims their orders."""

from __future__ import annotations

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import ChainAddresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.sender import Confirmation
from gridtokenx.chain.faucet import LocalFaucet
from gridtokenx.chain.keys import MATCHER_KEY, local_keypair
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import (
    OrderFill,
    OrderRequest,
    cancel_order_instruction,
    claim_instruction,
    place_order_instruction,
    settle_instruction,
)
from gridtokenx.config import Settings
from tests.utils.traders import SOL, TRADER_LAMPORTS, Trader, TraderFunding

__all__ = ["Desk", "Trader"]


class Desk:
    """Places, cancels, settles and claims real orders on the bootstrapped market."""

    def __init__(self, client: ChainClient, settings: Settings, addresses: ChainAddresses) -> None:
        self.client = client
        self.settings = settings
        self.addresses = addresses
        self.keys = addresses.market_keys()
        self.matcher = local_keypair(settings.chain_keys_dir, MATCHER_KEY)
        self._funding = TraderFunding(client, settings, addresses)

    async def trader(self, *, usdc: int = 0, energy_wh: int = 0) -> Trader:
        """A new wallet with SOL, ``usdc`` base units and ``energy_wh`` Wh worth of GXT."""
        return await self._funding.fund(
            lamports=TRADER_LAMPORTS, usdc_base_units=usdc, energy_wh=energy_wh
        )

    def order(self, trader: Trader, order_id: int) -> Pubkey:
        return self.keys.order(trader.key, order_id)

    async def place(
        self,
        trader: Trader,
        order_id: int,
        side: OrderSide,
        price: int,
        quantity: int,
        expiry: int = 0,
    ) -> Confirmation:
        source = trader.energy_account if side is OrderSide.SELL else trader.quote_account
        request = OrderRequest(trader.key, order_id, side, price, quantity, source, expiry)
        return await self.send([place_order_instruction(self.keys, request)], trader.wallet)

    async def cancel(self, trader: Trader, order_id: int) -> Confirmation:
        instruction = cancel_order_instruction(
            self.keys,
            self.order(trader, order_id),
            trader.key,
            trader.energy_account,
            trader.quote_account,
        )
        return await self.send([instruction], trader.wallet)

    async def settle(self, fills: list[OrderFill]) -> Confirmation:
        """The market's matcher settles ``fills`` (and pays, from the faucet's SOL)."""
        if await self.client.rpc.get_balance(self.matcher.pubkey()) < SOL:
            faucet = LocalFaucet.from_settings(self.settings, self.client)
            await faucet.fund(self.matcher.pubkey(), lamports=10 * SOL, usdc_base_units=0)
        instruction = settle_instruction(self.keys, self.matcher.pubkey(), fills)
        return await self.send([instruction], self.matcher)

    async def claim(self, trader: Trader, order_id: int, payer: Trader) -> Confirmation:
        instruction = claim_instruction(
            self.keys,
            self.order(trader, order_id),
            trader.key,
            trader.energy_account,
            trader.quote_account,
        )
        return await self.send([instruction], payer.wallet)

    async def send(
        self, instructions: list[Instruction], payer: Keypair, *, skip_preflight: bool = False
    ) -> Confirmation:
        return await self.client.send_and_confirm(
            instructions, [], payer, skip_preflight=skip_preflight
        )
