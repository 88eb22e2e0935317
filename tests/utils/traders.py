"""Funded traders on a private bootstrapped node (``tests.chain.local_chain``), through
:class:`gridtokenx.chain.traders.TraderFunding`: SOL and local USDC from the faucet, GXT minted
by the Registry from a reading signed for a fresh meter of the trader's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from solders.keypair import Keypair

from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.traders import Trader, TraderFunding
from gridtokenx.config import Settings

SOL = 1_000_000_000
TRADER_LAMPORTS = 10 * SOL
"""SOL each test trader gets: fees and the rent of a few hundred orders."""

__all__ = ["SOL", "TRADER_LAMPORTS", "Trader", "TraderFunding", "funded_traders", "trader_funding"]


@asynccontextmanager
async def trader_funding(settings: Settings) -> AsyncIterator[TraderFunding]:
    """Funding on the node of ``settings``, with its own client (closed afterwards)."""
    addresses = load_addresses(settings.chain_addresses_file)
    async with ChainClient.from_settings(settings.chain, addresses.error_decoders()) as client:
        yield TraderFunding(client, settings, addresses)


async def funded_traders(
    funding: TraderFunding,
    count: int,
    *,
    usdc_base_units: int = 0,
    energy_wh: int = 0,
    lamports: int = TRADER_LAMPORTS,
    wallets: list[Keypair] | None = None,
) -> list[Trader]:
    """``count`` traders (fresh wallets unless ``wallets`` are given), each with ``lamports``,
    ``usdc_base_units`` of USDC and ``energy_wh`` worth of GXT, funded concurrently."""
    keys = wallets if wallets is not None else [Keypair() for _ in range(count)]
    assert len(keys) == count
    return list(
        await asyncio.gather(
            *(
                funding.fund(
                    wallet,
                    lamports=lamports,
                    usdc_base_units=usdc_base_units,
                    energy_wh=energy_wh,
                )
                for wallet in keys
            )
        )
    )
