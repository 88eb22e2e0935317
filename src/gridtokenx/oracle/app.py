"""Wiring settings to the publisher (local node only) and to one-off reads (any cluster)."""

from __future__ import annotations

import asyncio

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import AddressesFileError, load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.chain.keys import OPERATOR_KEY, read_keypair
from gridtokenx.chain.local_node import require_local_node
from gridtokenx.config import OracleSettings, Settings
from gridtokenx.oracle.config import local_feed_ids, oracle_config, price_account
from gridtokenx.oracle.publisher import Publisher
from gridtokenx.oracle.quotes import UsdcQuote
from gridtokenx.oracle.reader import PriceReader
from gridtokenx.oracle.sources import HermesSource, PriceSource, StaticSource


def write_authority(settings: Settings) -> Keypair:
    """The local price accounts' write authority (and payer): bootstrap creates them with the
    chain operator's keypair, which is the default."""
    path = (
        settings.oracle.write_authority_keypair_file
        or settings.chain_keys_dir / f"{OPERATOR_KEY}.json"
    )
    return read_keypair(path)


def price_source(settings: OracleSettings) -> PriceSource:
    if settings.source == "hermes":
        return HermesSource(settings.hermes_url, settings.hermes_timeout_s)
    return StaticSource.from_settings(settings.static_prices, settings.static_walk_bps)


async def publish(settings: Settings, stop: asyncio.Event, cycles: int | None = None) -> None:
    """Run the publisher against the local node until ``stop`` (or ``cycles`` cycles)."""
    async with ChainClient.from_settings(settings.chain) as client:
        await require_local_node(
            client.rpc,
            settings.chain_state_dir,
            "publish local Pyth prices (on devnet and "
            "mainnet-beta Pyth's push oracle keeps its feeds fresh)",
        )
        publisher = Publisher(
            client,
            write_authority(settings),
            local_feed_ids(settings.oracle),
            price_source(settings.oracle),
            settings.oracle.shard_id,
        )
        await publisher.run(stop, settings.oracle.publish_interval_s, cycles)


def _recorded_feeds(settings: Settings) -> dict[str, Pubkey]:
    if settings.oracle.cluster != "local":
        return {}
    try:
        return load_addresses(settings.chain_addresses_file).price_feeds
    except AddressesFileError:
        return {}  # the derived local addresses are the same unless bootstrap was customised


async def read_quote(settings: Settings, rpc_url: str | None = None) -> UsdcQuote:
    """The current USDC → local-currency quote with its flags, from the settings' cluster."""
    config = oracle_config(settings.oracle)
    recorded = _recorded_feeds(settings)
    rpc = SolanaRpc(
        rpc_url or settings.chain.client_rpc_url,
        timeout_s=settings.chain.request_timeout_s,
        commitment=settings.chain.commitment,
    )
    try:
        reader = PriceReader(
            rpc,
            config,
            price_account(settings.oracle, config.usdc_usd.feed_id, recorded),
            price_account(settings.oracle, config.fx.feed_id, recorded),
        )
        return await reader.read_quote()
    finally:
        await rpc.aclose()
