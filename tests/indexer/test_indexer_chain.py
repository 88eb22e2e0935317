"""The indexer on a private bootstrapped chain, scratch topics and a scratch database: real
place/cancel/settle/claim transactions in, exact commands and mirror rows out; restarts lose
nothing and repeat only what the real matcher refuses."""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.program_errors import ProgramFailedError
from gridtokenx.chain.client.errors import TransactionFailedError
from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.chain.trading.builders import (
    OrderFill,
    OrderRequest,
    cancel_order_instruction,
    place_order_instruction,
)
from gridtokenx.config import Settings
from gridtokenx.indexer.app import open_indexer
from gridtokenx.indexer.decoder import ChainCommand
from gridtokenx.indexer.mirror import OrderStatus
from gridtokenx.indexer.service import IndexerCounters
from gridtokenx.market.orders import Side, TimeInForce
from gridtokenx.market.wire import (
    AddCommand,
    CancelCommand,
    decode_trade,
)
from tests.chain.local_chain import LocalChain
from tests.indexer.rig import indexer_rig, on_chain
from tests.indexer.traders import Desk, Trader
from tests.market.service.private_market import PARTITIONS

pytestmark = pytest.mark.integration

KWH = 1_000_000


async def _block_time_ms(desk: Desk, signature: object) -> int:
    result = await desk.client.rpc.call(
        "getTransaction",
        [str(signature), {"encoding": "json", "maxSupportedTransactionVersion": 0}],
    )
    assert isinstance(result, dict)
    return int(result["blockTime"]) * 1000


def _add(
    desk: Desk,
    trader: Trader,
    order_id: int,
    side: OrderSide,
    price: int,
    quantity: int,
    expiry: int,
    slot: int,
    signature: object,
    timestamp_ms: int,
) -> AddCommand:
    return AddCommand(
        market=str(desk.keys.market),
        order=str(desk.order(trader, order_id)),
        owner=str(trader.key),
        order_id=order_id,
        side=Side.SELL if side is OrderSide.SELL else Side.BUY,
        price=price,
        quantity=quantity,
        expiry_s=expiry,
        time_in_force=TimeInForce.GTC,
        post_only=False,
        timestamp_ms=timestamp_ms,
        slot=slot,
        signature=str(signature),
    )


def test_orders_become_exact_commands_and_mirror_rows_that_follow_settle_and_claim(
    running_stack: Settings, indexer_chain: LocalChain
) -> None:
    with indexer_rig(running_stack, indexer_chain, subscribe=True) as rig:

        async def trade(desk: Desk) -> tuple[list[ChainCommand], dict[str, Trader]]:
            seller = await desk.trader(energy_wh=5_000)
            buyer = await desk.trader(usdc=10_000_000)
            quitter = await desk.trader(usdc=10_000_000)
            expiry = int(time.time()) + 3_600
            placed = [
                (seller, 1, OrderSide.SELL, 100_000, 2 * KWH, 0),
                (buyer, 1, OrderSide.BUY, 120_000, KWH, 0),
                (quitter, 7, OrderSide.BUY, 90_000, KWH, expiry),
            ]
            expected: list[ChainCommand] = []
            for trader, order_id, side, price, quantity, expires in placed:
                landed = await desk.place(trader, order_id, side, price, quantity, expires)
                stamp = await _block_time_ms(desk, landed.signature)
                expected.append(
                    _add(
                        desk,
                        trader,
                        order_id,
                        side,
                        price,
                        quantity,
                        expires,
                        landed.slot,
                        landed.signature,
                        stamp,
                    )
                )
            cancelled = await desk.cancel(quitter, 7)
            expected.append(
                CancelCommand(
                    str(desk.keys.market),
                    str(desk.order(quitter, 7)),
                    str(quitter.key),
                    await _block_time_ms(desk, cancelled.signature),
                    cancelled.slot,
                    str(cancelled.signature),
                )
            )
            # Landed but failed (escrow above the buyer's USDC; cancel of no order): nothing.
            with pytest.raises((TransactionFailedError, ProgramFailedError)):
                await desk.client.send_and_confirm(
                    [_place_ix(desk, buyer, 2, 10**12)], [], buyer.wallet, skip_preflight=True
                )
            with pytest.raises((TransactionFailedError, ProgramFailedError)):
                await desk.client.send_and_confirm(
                    [_cancel_ix(desk, quitter, 99)], [], quitter.wallet, skip_preflight=True
                )
            return expected, {"seller": seller, "buyer": buyer, "quitter": quitter}

        expected, traders = on_chain(rig, trade)
        ours = {str(trader.key) for trader in traders.values()}
        counters = rig.index()
        assert rig.commands() == expected
        assert (counters.commands["add"], counters.commands["cancel"]) == (3, 1)
        assert counters.failed == 2
        assert counters.skipped_instructions == 0
        # Other tests' open orders may be new to this mirror (missing), never stale or vanished.
        assert (counters.drift["stale"], counters.drift["vanished"]) == (0, 0)

        seller, buyer, quitter = traders["seller"], traders["buyer"], traders["quitter"]
        keys = rig.chain.addresses.market_keys()
        rows = {a: row for a, row in rig.rows().items() if row.owner in ours}
        sell_row = rows[str(keys.order(seller.key, 1))]
        buy_row = rows[str(keys.order(buyer.key, 1))]
        quit_row = rows[str(keys.order(quitter.key, 7))]
        assert (sell_row.status, sell_row.filled, sell_row.escrow, sell_row.side) == (
            OrderStatus.OPEN,
            0,
            2 * KWH,
            Side.SELL,
        )
        assert (buy_row.status, buy_row.escrow, buy_row.placed_signature) == (
            OrderStatus.OPEN,
            120_000,
            expected[1].signature,
        )
        assert (quit_row.status, quit_row.closed_signature, quit_row.escrow) == (
            OrderStatus.CANCELLED,
            expected[3].signature,
            0,
        )
        assert len(rows) == 3

        async def settle_and_claim(desk: Desk) -> dict[str, Order | None]:
            sell, buy = desk.order(seller, 1), desk.order(buyer, 1)
            await desk.settle([OrderFill(buy, sell, KWH, 110_000)])
            await desk.claim(buyer, 1, buyer)  # completely filled: closes
            await desk.claim(seller, 1, seller)  # half filled: pays out, stays open
            found = await desk.client.rpc.get_multiple_accounts([sell, buy])
            return {
                str(address): None if info is None or not info.data else Order.decode(info.data)
                for address, info in zip([sell, buy], found, strict=True)
            }

        chain_orders = on_chain(rig, settle_and_claim)
        counters = rig.index()
        assert counters.commands == {}
        assert len(rig.commands()) == 4  # settle and claim add no command
        rows = rig.rows()
        sell_account = chain_orders[str(keys.order(seller.key, 1))]
        assert sell_account is not None
        assert sell_account.filled == KWH
        sell_row = rows[str(keys.order(seller.key, 1))]
        assert (
            sell_row.status,
            sell_row.filled,
            sell_row.escrow,
            sell_row.claimable_energy,
            sell_row.claimable_quote,
        ) == (
            OrderStatus.OPEN,
            sell_account.filled,
            sell_account.escrow,
            sell_account.claimable_energy,
            sell_account.claimable_quote,
        )
        assert chain_orders[str(keys.order(buyer.key, 1))] is None
        buy_row = rows[str(keys.order(buyer.key, 1))]
        assert (buy_row.status, buy_row.filled, buy_row.escrow) == (OrderStatus.CLOSED, KWH, 0)

        # Drift: a stale fill and a row whose account never existed; a reconcile pass fixes both.
        with psycopg.connect(rig.settings.postgres.url) as connection:
            connection.execute(
                "UPDATE chain_orders SET filled = 0 WHERE order_account = %s", (sell_row.order,)
            )
            connection.execute(
                "INSERT INTO chain_orders SELECT %s, market, owner, 42, side, price, quantity, "
                "filled, escrow, claimable_energy, claimable_quote, expiry_s, 'open', NULL, NULL, "
                "updated_slot, NULL, NULL FROM chain_orders WHERE order_account = %s",
                (str(Pubkey.new_unique()), sell_row.order),
            )
        counters = rig.index()
        assert counters.drift == {"missing": 0, "stale": 1, "vanished": 1}
        rows = rig.rows()
        assert rows[sell_row.order].filled == KWH
        assert [row.order for row in rows.values() if row.status.is_live and row.owner in ours] == [
            sell_row.order
        ]
        assert rig.index().drift == {"missing": 0, "stale": 0, "vanished": 0}


def _place_ix(desk: Desk, trader: Trader, order_id: int, price: int) -> Instruction:
    request = OrderRequest(trader.key, order_id, OrderSide.BUY, price, KWH, trader.quote_account)
    return place_order_instruction(desk.keys, request)


def _cancel_ix(desk: Desk, trader: Trader, order_id: int) -> Instruction:
    return cancel_order_instruction(
        desk.keys,
        desk.order(trader, order_id),
        trader.key,
        trader.energy_account,
        trader.quote_account,
    )


def test_a_restart_catches_up_and_repeats_only_what_the_matcher_refuses(
    running_stack: Settings, indexer_chain: LocalChain
) -> None:
    with indexer_rig(running_stack, indexer_chain, subscribe=False, batch_transactions=2) as rig:

        async def first(desk: Desk) -> tuple[Trader, Trader]:
            seller = await desk.trader(energy_wh=5_000)
            buyer = await desk.trader(usdc=10_000_000)
            await desk.place(seller, 1, OrderSide.SELL, 100_000, KWH)
            return seller, buyer

        seller, buyer = on_chain(rig, first)
        assert rig.index().commands == {"add": 1}
        mirror = rig.mirror()
        stopped_at = mirror.cursor()
        mirror.close()
        assert stopped_at is not None

        # While the indexer is down: a crossing bid, another ask, and its cancel.
        async def while_down(desk: Desk) -> None:
            await desk.place(buyer, 1, OrderSide.BUY, 120_000, KWH)
            await desk.place(seller, 2, OrderSide.SELL, 130_000, KWH)
            await desk.cancel(seller, 2)

        on_chain(rig, while_down)
        caught_up = rig.index()
        assert caught_up.commands == {"add": 2, "cancel": 1}
        assert caught_up.batches == 2  # batch_transactions=2: three transactions, two batches
        rows_after = rig.rows()
        first_pass = rig.commands()
        assert [type(c).__name__ for c in first_pass] == [
            "AddCommand",
            "AddCommand",
            "AddCommand",
            "CancelCommand",
        ]

        # A crash after Kafka acknowledged the catch-up but before its cursor commit: the cursor
        # is still where the first run stopped, so a restart produces those commands again.
        mirror = rig.mirror()
        mirror.commit([], stopped_at)
        mirror.close()
        again = rig.index()
        assert again.commands == {"add": 2, "cancel": 1}
        commands = rig.commands()
        assert commands == first_pass + first_pass[1:]
        assert rig.rows() == rows_after

        # The real matcher applies each command once: one trade, the three repeats refused.
        applied, _ = rig.match(len(commands))
        assert applied == len(commands)
        trades = [
            decode_trade(r.value() or b"")
            for r in rig.market.read_committed(rig.settings.market.trades_topic, PARTITIONS)
        ]
        keys = rig.chain.addresses.market_keys()
        assert [(t.buy_order, t.sell_order, t.price, t.quantity) for t in trades] == [
            (str(keys.order(buyer.key, 1)), str(keys.order(seller.key, 1)), 100_000, KWH)
        ]
        refused = rig.market.read_committed(rig.settings.market.dead_letter_topic, 1)
        reasons = [dict(r.headers() or []).get("reason") for r in refused]
        assert len(reasons) == 3
        assert set(reasons) <= {b"duplicate", b"out_of_order"}


def test_a_live_indexer_wakes_on_logs_notifications(
    running_stack: Settings, indexer_chain: LocalChain
) -> None:
    # A minute between polls: only a logsSubscribe notification can wake it in time.
    with indexer_rig(running_stack, indexer_chain, subscribe=True, poll_interval_ms=60_000) as rig:

        async def live(desk: Desk) -> tuple[IndexerCounters, int]:
            stop = asyncio.Event()
            async with open_indexer(rig.settings) as indexer:
                wakeup = indexer.wakeup
                assert wakeup is not None
                running = asyncio.create_task(indexer.run(stop))
                await asyncio.wait_for(wakeup.subscribed.wait(), 30)
                buyer = await desk.trader(usdc=1_000_000)
                for order_id in (1, 2):
                    await desk.place(buyer, order_id, OrderSide.BUY, 40_000, KWH)
                await desk.cancel(buyer, 1)
                deadline = time.monotonic() + 30
                while len(await asyncio.to_thread(rig.commands)) < 3:
                    assert not running.done(), running.exception()
                    assert time.monotonic() < deadline, "no notification woke the indexer"
                    await asyncio.sleep(0.1)
                stop.set()
                counters = await running
                return counters, wakeup.notifications

        counters, notifications = on_chain(rig, live)
        assert counters.commands == {"add": 2, "cancel": 1}
        assert notifications >= 1
        assert [type(c).__name__ for c in rig.commands()] == [
            "AddCommand",
            "AddCommand",
            "CancelCommand",
        ]
