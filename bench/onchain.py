"""Compute units per instruction of the Registry and Trading programs, and in-process LiteSVM
throughput of minting and settlement (programs deployed through the upgradeable loader).

Throughput: transactions are built and signed first, then only ``send_transaction`` is timed,
on one core. Every transaction is checked to fit Solana's 1,232-byte packet: settlement uses 10
fills per legacy transaction (28 fit with an address lookup table); minting 3 meters per legacy
transaction (each reading carries 166 bytes of Ed25519 evidence and two account keys).

    .venv/bin/python bench/onchain.py
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

from solders.litesvm import LiteSVM
from solders.transaction import Transaction
from solders.transaction_metadata import TransactionMetadata

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.utils.registry import Meter, RegistryHarness, sign_reading
from tests.utils.svm import build_program
from tests.utils.trading import MarketFixture, Trader, TradingChain

from gridtokenx.chain.ed25519 import SignedMessage
from gridtokenx.chain.svm import execute
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import (
    OrderFill,
    OrderRequest,
    place_order_instruction,
)

FILLS_PER_TX = 10
METERS_PER_TX = 3
PACKET_BYTES = 1232
THROUGHPUT_TXS = 400
ROUNDS = 5
PRICE = 4_000_000  # USDC base units per kWh
GXT = 1_000_000


def _cu(result: object) -> int:
    assert isinstance(result, TransactionMetadata), result
    return int(result.compute_units_consumed())


def _timed(transactions: list[Transaction], svm: LiteSVM) -> float:
    oversized = [len(bytes(t)) for t in transactions if len(bytes(t)) > PACKET_BYTES]
    assert not oversized, f"transactions of {oversized[:3]} bytes exceed the packet size"
    started = time.perf_counter()
    for transaction in transactions:
        result = execute(svm, transaction)
        assert isinstance(result, TransactionMetadata), result
    return time.perf_counter() - started


def mint_figures() -> dict[str, float]:
    registry = RegistryHarness.deploy(build_program("registry"))
    meters = [registry.new_meter() for _ in range(METERS_PER_TX)]
    export_wh = {m.meter_id: 0 for m in meters}
    clock_ms = 1_000

    def readings(batch: list[Meter]) -> list[tuple[Meter, SignedMessage]]:
        nonlocal clock_ms
        clock_ms += 60_000
        signed = []
        for meter in batch:
            export_wh[meter.meter_id] += 250
            signed.append(
                (
                    meter,
                    sign_reading(
                        meter.device, meter.meter_id, export_wh[meter.meter_id], 0, clock_ms
                    ),
                )
            )
        return signed

    single = _cu(registry.expect_ok(registry.mint(readings(meters[:1]))))
    batched = _cu(registry.expect_ok(registry.mint(readings(meters))))
    rates = []
    for _ in range(ROUNDS):
        registry.svm.expire_blockhash()
        blockhash = registry.svm.latest_blockhash()
        transactions = [
            Transaction.new_signed_with_payer(
                registry.mint(readings(meters)),
                registry.operator.pubkey(),
                [registry.operator],
                blockhash,
            )
            for _ in range(THROUGHPUT_TXS)
        ]
        elapsed = _timed(transactions, registry.svm)
        rates.append(THROUGHPUT_TXS * METERS_PER_TX / elapsed)
    return {
        "cu_mint_single": single,
        "cu_mint_batched_per_reading": batched / METERS_PER_TX,
        "mints_per_s": statistics.median(rates),
    }


def trading_figures() -> dict[str, float]:
    chain = TradingChain.deploy(build_program("trading"))
    market = chain.open_market(fee_bps=25)
    seller = market.new_trader(energy=10**15)
    buyer = market.new_trader(quote=10**18)
    sells = []
    buys = []
    for _ in range(FILLS_PER_TX):
        request = market.order_request(seller, OrderSide.SELL, PRICE, 10**12)
        sells.append((request, _place_cu(market, request, seller)))
        request = market.order_request(buyer, OrderSide.BUY, PRICE, 10**12)
        buys.append((request, _place_cu(market, request, buyer)))
    place_cu = statistics.median(cu for _, cu in sells + buys)
    sell_orders = [market.keys.order(seller.key, r.order_id) for r, _ in sells]
    buy_orders = [market.keys.order(buyer.key, r.order_id) for r, _ in buys]

    def fills(tag: int, count: int) -> list[OrderFill]:
        # The quantity carries the transaction's index, so no two transactions are identical.
        return [OrderFill(buy_orders[i], sell_orders[i], GXT + tag, PRICE) for i in range(count)]

    settle_one = _cu(chain.expect_ok([market.settle(fills(0, 1))], [market.matcher]))
    settle_full = _cu(chain.expect_ok([market.settle(fills(1, FILLS_PER_TX))], [market.matcher]))
    rates = []
    tag = 2
    for _ in range(ROUNDS):
        chain.svm.expire_blockhash()
        blockhash = chain.svm.latest_blockhash()
        transactions = []
        for _ in range(THROUGHPUT_TXS):
            transactions.append(
                # The matcher pays its own settlements: one signature, and the packet holds 10.
                Transaction.new_signed_with_payer(
                    [market.settle(fills(tag, FILLS_PER_TX))],
                    market.matcher.pubkey(),
                    [market.matcher],
                    blockhash,
                )
            )
            tag += 1
        elapsed = _timed(transactions, chain.svm)
        rates.append(THROUGHPUT_TXS * FILLS_PER_TX / elapsed)
    claim_cu = _cu(chain.expect_ok([market.claim(sell_orders[0], seller)]))
    small = market.order_request(seller, OrderSide.SELL, PRICE, GXT)
    _place_cu(market, small, seller)
    cancel_cu = _cu(
        chain.expect_ok(
            [market.cancel(market.keys.order(seller.key, small.order_id), seller)], [seller.wallet]
        )
    )
    return {
        "cu_place": place_cu,
        "cu_cancel": cancel_cu,
        "cu_claim": claim_cu,
        "cu_settle_one_fill": settle_one,
        "cu_settle_full": settle_full,
        "cu_per_fill": settle_full / FILLS_PER_TX,
        "cu_per_extra_fill": (settle_full - settle_one) / (FILLS_PER_TX - 1),
        "fills_per_s": statistics.median(rates),
    }


def _place_cu(market: MarketFixture, request: OrderRequest, trader: Trader) -> int:
    result = market.chain.expect_ok(
        [place_order_instruction(market.keys, request)], [trader.wallet]
    )
    return _cu(result)


def main() -> None:
    last_cpu = (os.cpu_count() or 1) - 1
    os.sched_setaffinity(0, {last_cpu})
    minting = mint_figures()
    trading = trading_figures()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, pinned to 1")
    print(f"rounds: {ROUNDS} x {THROUGHPUT_TXS} transactions, medians")
    print("instruction                             compute units")
    print(f"place_order                             {trading['cu_place']:.0f}")
    print(f"cancel_order                            {trading['cu_cancel']:.0f}")
    print(f"claim (partial fill, order stays open)  {trading['cu_claim']:.0f}")
    print(f"settle, 1 fill                          {trading['cu_settle_one_fill']:.0f}")
    print(f"settle, {FILLS_PER_TX} fills                        {trading['cu_settle_full']:.0f}")
    print(
        f"  per fill (average / marginal)         {trading['cu_per_fill']:.0f} / "
        f"{trading['cu_per_extra_fill']:.0f}"
    )
    print(f"mint_from_reading, 1 meter              {minting['cu_mint_single']:.0f}")
    print(
        f"mint_from_reading, per reading at {METERS_PER_TX}     "
        f"{minting['cu_mint_batched_per_reading']:.0f}"
    )
    print(
        f"settle throughput: {trading['fills_per_s']:.0f} fills/s; "
        f"mint throughput: {minting['mints_per_s']:.0f} readings/s"
    )
    print(
        f"onchain fills_per_tx={FILLS_PER_TX} cu_per_fill={trading['cu_per_fill']:.0f} "
        f"fills_per_s={trading['fills_per_s']:.0f} "
        f"cu_per_mint={minting['cu_mint_batched_per_reading']:.0f} "
        f"mints_per_s={minting['mints_per_s']:.0f}"
    )


if __name__ == "__main__":
    main()
