"""The settlement process: trade intake on a thread, the settle loop on asyncio, one ledger.

Intake (Kafka → PostgreSQL) and settling (PostgreSQL → chain) only meet in the ledger, so either
may crash or lag without the other losing anything; new trades wake the settle loop at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from dataclasses import dataclass

from solders.keypair import Keypair

from gridtokenx.chain.addresses import ChainAddresses, load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.chain.faucet import LocalFaucet
from gridtokenx.chain.keys import MATCHER_KEY, read_keypair
from gridtokenx.config import Settings
from gridtokenx.settlement import metrics
from gridtokenx.settlement.chain import SettlementChain
from gridtokenx.settlement.core import BatchLimits
from gridtokenx.settlement.errors import SettlementKeyError, SettlementStoreError
from gridtokenx.settlement.intake import IntakeCounters, TradeIntake
from gridtokenx.settlement.kafka_io import TradesConsumer
from gridtokenx.settlement.repository import SettlementStore
from gridtokenx.settlement.service import Settler, SettlerCounters, SettlerPolicy
from gridtokenx.settlement.transactions import MAX_ORDERS_WITH_SEPARATE_PAYER

_log = logging.getLogger(__name__)
LOCAL_TOP_UP_BELOW_LAMPORTS = 5 * 1_000_000_000
LOCAL_TOP_UP_LAMPORTS = 100 * 1_000_000_000


@dataclass(frozen=True)
class SettlementReport:
    intake: IntakeCounters
    settler: SettlerCounters


def settlement_keys(settings: Settings, addresses: ChainAddresses) -> tuple[Keypair, Keypair]:
    """The matcher key (it must be the market's matcher) and the payer (default: the same)."""
    group = settings.settlement
    path = group.matcher_keypair_file or settings.chain_keys_dir / f"{MATCHER_KEY}.json"
    matcher = read_keypair(path)
    if matcher.pubkey() != addresses.matcher:
        raise SettlementKeyError(
            f"{path} holds {matcher.pubkey()}, but the market's matcher is {addresses.matcher}; "
            "point GRIDTOKENX_SETTLEMENT__MATCHER_KEYPAIR_FILE at its keypair"
        )
    payer = matcher if group.payer_keypair_file is None else read_keypair(group.payer_keypair_file)
    return matcher, payer


def batch_limits(settings: Settings, matcher: Keypair, payer: Keypair) -> BatchLimits:
    group = settings.settlement
    max_orders = group.max_orders_per_transaction
    max_fills = group.max_fills_per_transaction
    if payer.pubkey() != matcher.pubkey():
        max_orders = min(max_orders, MAX_ORDERS_WITH_SEPARATE_PAYER)
        max_fills = min(max_fills, MAX_ORDERS_WITH_SEPARATE_PAYER // 2)
    return BatchLimits(
        max_fills=max_fills,
        max_orders=max_orders,
        min_fills=min(group.min_fills_per_transaction, max_fills),
        max_linger_ms=group.max_linger_ms,
    )


async def fund_payer_locally(
    settings: Settings, client: ChainClient, addresses: ChainAddresses, payer: Keypair
) -> None:
    """On the local node, airdrop SOL to the payer when it runs low (through the faucet, which
    refuses any other cluster)."""
    if not (settings.settlement.fund_payer_locally and addresses.local):
        return
    if await client.rpc.get_balance(payer.pubkey()) >= LOCAL_TOP_UP_BELOW_LAMPORTS:
        return
    faucet = LocalFaucet.from_settings(settings, client)
    await faucet.fund(payer.pubkey(), lamports=LOCAL_TOP_UP_LAMPORTS, usdc_base_units=0)
    _log.info("airdropped %d lamports to the settlement payer", LOCAL_TOP_UP_LAMPORTS)


def _wake(loop: asyncio.AbstractEventLoop, wake: asyncio.Event) -> None:
    loop.call_soon_threadsafe(wake.set)


async def serve(
    settings: Settings, stop: threading.Event, *, exit_when_idle: int | None = None
) -> SettlementReport:
    """Run until ``stop`` is set, or, with ``exit_when_idle``, until intake has seen that many
    empty polls in a row and the ledger has no open work (every trade settled or rejected,
    every claim cranked)."""
    group = settings.settlement
    addresses = load_addresses(settings.chain_addresses_file)
    matcher, payer = settlement_keys(settings, addresses)
    intake_store = SettlementStore(settings.postgres.url)
    settle_store = SettlementStore(settings.postgres.url)
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()
    consumer = TradesConsumer(
        settings.kafka, group, settings.market.trades_topic, settings.market.releases_topic
    )
    intake = TradeIntake(
        intake_store,
        consumer,
        batch_size=group.batch_size,
        poll_timeout_s=group.poll_timeout_ms / 1000,
        on_new_trades=lambda: _wake(loop, wake),
        releases_topic=settings.market.releases_topic,
    )
    intake_thread = threading.Thread(target=intake.run, args=(stop,), name="trade-intake")
    intake_thread.start()
    client = ChainClient.from_settings(settings.chain, addresses.error_decoders())
    chain = SettlementChain(client, addresses.trading_program, matcher, payer)
    policy = SettlerPolicy(
        limits=batch_limits(settings, matcher, payer),
        confirm_poll_s=group.confirm_poll_ms / 1000,
        resend_interval_s=group.resend_interval_ms / 1000,
        max_landed_failures=group.max_landed_failures,
        claim=group.claim,
    )
    settler = Settler(settle_store, chain, policy, stop=stop)
    idle_s = group.idle_interval_ms / 1000
    try:
        async with client:
            await fund_payer_locally(settings, client, addresses, payer)
            while not stop.is_set():
                worked = False
                try:
                    worked = await settler.step()
                except (ChainClientError, SettlementStoreError) as exc:
                    metrics.CHAIN_ERRORS.labels(type(exc).__name__).inc()
                    _log.warning("settle step failed, trying again: %s", exc)
                if worked:
                    continue
                if (
                    exit_when_idle is not None
                    and intake.counters.idle_polls >= exit_when_idle
                    and settle_store.open_work(claims=group.claim) == 0
                ):
                    break
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), idle_s)
    finally:
        stop.set()
        await asyncio.to_thread(intake_thread.join)
        intake_store.close()
        settle_store.close()
    return SettlementReport(intake.counters, settler.counters)
