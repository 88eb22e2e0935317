"""The market end to end: from sending ``place_order`` to the settlement of its fills.

Method. The script funds its own traders on the local node (``gridtokenx.chain.traders``:
SOL and local USDC from the faucet, GXT minted by the Registry from a reading signed for a
fresh meter of each seller: new wallets, users and meters on that chain), then sends a burst of
``--orders`` orders at ``--rate`` orders/s (open loop: each order is sent at its scheduled time
whatever the others are doing), alternating a sell and a buy of 1 kWh at one price, spread over
``--traders`` sellers and as many buyers, so each order is filled by one trade. The path
measured is the platform's own: the Trading program confirms the order, the indexer turns it
into an ``add`` on ``order-commands``, the matcher trades it, the settlement service settles the
trade on chain and records it ``settled`` in ``settlement_trades``. An order's latency is from
just before its transaction is sent to the ``settled_at`` of its last fill (PostgreSQL's clock,
the same machine's) once its fills settled sum to its quantity; orders/s is the orders so
completed over the time from the first send to the last settlement. Percentiles are over the
completed orders of one run; ``--rounds`` runs repeat it and the medians of the rounds are
reported, after an uncounted ``--warmup`` round (the processes' first work: consumer group
joins, first fetches, connections). On the shared stack the agents trade too: the price is
their reserve price, so their asks never take the bench's bids, but their bids may take some of
its asks, leaving as many of its bids unfilled; when no order has completed for ``QUIET_S`` the
round ends, cancels what is left and reports how many orders did not complete.

By default it runs against the stack's own indexer, matcher and settlement processes (as
`gridtokenx stack up` starts them), found through ``Settings`` like every benchmark here.
``--private`` instead starts a private pipeline (a private bootstrapped node, scratch topics and
database, the three processes as subprocesses: ``tests.utils.market_pipeline``, as the
end-to-end test does) on the running stack's Kafka and PostgreSQL.

Ends with ``market_e2e orders_per_s=<n> order_to_settled_p50_ms=<n> order_to_settled_p99_ms=<n>``.
Run from the repository root: ``.venv/bin/python bench/market_e2e.py [--private]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from solders.pubkey import Pubkey

from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.traders import Trader, TraderFunding
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderRequest,
    cancel_order_instruction,
    place_order_instruction,
)
from gridtokenx.config import Settings, get_settings
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.indexer import IndexerService
from gridtokenx.stack.services.matcher import MatcherService
from gridtokenx.stack.services.settlement import SettlementService

# The private pipeline is the end-to-end test's, beside bench/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.chain.local_chain import bootstrapped_chain
from tests.utils.market_pipeline import market_pipeline

MACHINE = "2-core polyglot VM"
KWH = 1_000_000
PRICE = 100_000
"""At the agents' reserve price: their asks (never below it, drawn above it) do not cross the
bench's bids; their bids may take some of the bench's asks on the shared stack."""
SOL = 1_000_000_000
WAIT_S = 300.0
QUIET_S = 15.0
"""The market is quiet when no further order completes for this long."""


@dataclass(frozen=True)
class Placed:
    address: str
    owner: Trader
    sent_wall_s: float


@dataclass(frozen=True)
class Round:
    orders_per_s: float
    latencies_ms: list[float]
    placed_per_s: float
    """Orders confirmed on chain per second of the burst (the offered load actually sent)."""
    unfilled: int
    """Orders not completely filled and settled when the market went quiet (their counterparts
    went to other traders: the stack's agents)."""
    rejected: int
    """Their trades the chain refused (rejected in ``settlement_trades``)."""


async def _fund(funding: TraderFunding, traders: int, orders_each: int) -> list[Trader]:
    """``traders`` sellers with GXT for their orders, then as many buyers with USDC."""
    sellers = [
        funding.fund(lamports=2 * SOL, energy_wh=orders_each * 1_000 + 1_000)
        for _ in range(traders)
    ]
    buyers = [
        funding.fund(lamports=2 * SOL, usdc_base_units=orders_each * PRICE + 1_000_000)
        for _ in range(traders)
    ]
    return list(await asyncio.gather(*sellers, *buyers))


async def _burst(
    client: ChainClient, keys: MarketKeys, traders: list[Trader], orders: int, rate: float
) -> list[Placed]:
    half = len(traders) // 2
    base_id = time.time_ns() // 1_000_000
    placed: list[Placed] = []

    async def place(index: int) -> None:
        side = OrderSide.SELL if index % 2 == 0 else OrderSide.BUY
        owner = traders[(index // 2) % half + (0 if side is OrderSide.SELL else half)]
        source = owner.energy_account if side is OrderSide.SELL else owner.quote_account
        request = OrderRequest(owner.key, base_id + index, side, PRICE, KWH, source, 0)
        sent = time.time()
        await client.send_and_confirm([place_order_instruction(keys, request)], [], owner.wallet)
        placed.append(Placed(str(keys.order(owner.key, request.order_id)), owner, sent))

    start = time.monotonic()
    tasks = []
    for index in range(orders):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(place(index)))
    await asyncio.gather(*tasks)
    return placed


def _progress(settings: Settings, placed: list[Placed]) -> tuple[dict[str, float], int]:
    """order → the settled_at (unix s) of its last fill, for the orders completely filled by
    settled trades so far; and how many of their trades were rejected."""
    addresses = [order.address for order in placed]
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            """
            SELECT buy_order, sell_order, quantity, status, extract(epoch FROM settled_at)
            FROM settlement_trades WHERE buy_order = ANY(%s) OR sell_order = ANY(%s)
            """,
            (addresses, addresses),
        ).fetchall()
    filled: dict[str, int] = defaultdict(int)
    last: dict[str, float] = {}
    rejected = 0
    for buy, sell, quantity, status, settled_at in rows:
        rejected += status == "rejected"
        if status != "settled":
            continue
        for order in (buy, sell):
            filled[order] += int(quantity)
            last[order] = max(last.get(order, 0.0), float(settled_at))
    return {order: last[order] for order in last if filled[order] == KWH}, rejected


async def _cancel(client: ChainClient, keys: MarketKeys, orders: list[Placed]) -> None:
    """Cancel what is left of ``orders`` (escrow back to their owners); closed ones are gone."""
    for order in orders:
        owner = order.owner
        address = Pubkey.from_string(order.address)
        if await client.rpc.get_account_info(address) is None:
            continue
        instruction = cancel_order_instruction(
            keys, address, owner.key, owner.energy_account, owner.quote_account
        )
        await client.send_and_confirm([instruction], [], owner.wallet)


async def one_round(settings: Settings, orders: int, rate: float, traders: int) -> Round:
    addresses = load_addresses(settings.chain_addresses_file)
    keys = addresses.market_keys()
    async with ChainClient.from_settings(settings.chain, addresses.error_decoders()) as client:
        funding = TraderFunding(client, settings, addresses)
        funded = await _fund(funding, traders, -(-orders // (2 * traders)))
        started = time.monotonic()
        placed = await _burst(client, keys, funded, orders, rate)
        placed_per_s = len(placed) / (time.monotonic() - started)
        deadline = time.monotonic() + WAIT_S
        quiet_since, seen = time.monotonic(), -1
        while True:
            done, rejected = _progress(settings, placed)
            now = time.monotonic()
            if len(done) != seen:
                quiet_since, seen = now, len(done)
            if len(done) == len(placed) or now - quiet_since > QUIET_S or now > deadline:
                break
            await asyncio.sleep(0.05)
        await _cancel(client, keys, [order for order in placed if order.address not in done])
    if not done:
        raise RuntimeError(f"none of {len(placed)} orders was filled and settled")
    latencies = sorted(
        (done[order.address] - order.sent_wall_s) * 1000
        for order in placed
        if order.address in done
    )
    span = max(done.values()) - min(order.sent_wall_s for order in placed)
    return Round(len(done) / span, latencies, placed_per_s, len(placed) - len(done), rejected)


@contextmanager
def _target(private: bool) -> Iterator[Settings]:
    stack = get_settings()
    if not private:
        for service in (
            MatcherService(stack),
            IndexerService(stack),
            SettlementService(stack),
        ):
            try:
                service.check_health()
            except HealthCheckFailed as exc:
                raise SystemExit(
                    f"the stack's {service.name} is not running ({exc}); start it with "
                    "`gridtokenx stack up`, or measure a private pipeline with --private"
                ) from exc
        yield stack
        return
    with (
        tempfile.TemporaryDirectory() as state,
        bootstrapped_chain(Path(state) / "node") as chain,
        market_pipeline(stack, chain, Path(state)) as pipeline,
    ):
        yield pipeline.settings


def _percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(len(values) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--private", action="store_true", help="a private pipeline, not the stack")
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--rate", type=float, default=100.0, help="orders sent per second")
    parser.add_argument("--traders", type=int, default=20, help="sellers (and as many buyers)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=40, help="orders of an uncounted first round")
    args = parser.parse_args()
    with _target(args.private) as settings:
        if args.warmup:
            asyncio.run(one_round(settings, args.warmup, args.rate, args.traders))
        rounds = [
            asyncio.run(one_round(settings, args.orders, args.rate, args.traders))
            for _ in range(args.rounds)
        ]
    throughput = statistics.median(r.orders_per_s for r in rounds)
    p50 = statistics.median(statistics.median(r.latencies_ms) for r in rounds)
    p99 = statistics.median(_percentile(r.latencies_ms, 0.99) for r in rounds)
    load = os.getloadavg()
    python = sys.version.split()[0]
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"machine: {MACHINE} ({platform.node()}, {os.cpu_count()} cores), Python {python}")
    print(f"load average at the end: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)")
    target = "private pipeline (--private)" if args.private else "the running stack"
    print(
        f"target: {target}; {args.orders} orders at {args.rate:g}/s from {args.traders} sellers "
        f"and {args.traders} buyers, 1 kWh each at {PRICE} per kWh, {args.rounds} rounds after "
        f"{args.warmup} warm-up orders"
    )
    for number, result in enumerate(rounds, 1):
        lat = result.latencies_ms
        print(
            f"round {number}: {result.placed_per_s:.1f} orders/s placed (confirmed), "
            f"{result.orders_per_s:.1f} orders/s settled, place -> settled p50 "
            f"{statistics.median(lat):.0f} ms, p99 {_percentile(lat, 0.99):.0f} ms, "
            f"max {lat[-1]:.0f} ms; {result.unfilled} orders not filled by the end (cancelled), "
            f"{result.rejected} trades rejected"
        )
    print(
        f"market_e2e orders_per_s={throughput:.1f} order_to_settled_p50_ms={p50:.0f} "
        f"order_to_settled_p99_ms={p99:.0f}"
    )


if __name__ == "__main__":
    main()
