"""The market session: the engine's trades named by order account, chain order, snapshots."""

from __future__ import annotations

import dataclasses
import json

import pytest

from gridtokenx.market import AddOrder, MatchingEngine, Side, SnapshotError, TimeInForce, Trade
from gridtokenx.market.session import MarketSession
from gridtokenx.market.wire import AddCommand, RejectionReason
from tests.market.service.commands import CONFIG, KWH, LogWriter, Reference, address, signature


def test_trades_are_the_engines_trades_named_by_order_account() -> None:
    writer = LogWriter(seed=1, markets=1)
    market = writer.market_addresses[0]
    adds = [writer.add(market) for _ in range(400)]
    session = MarketSession(market, CONFIG)
    engine = MatchingEngine(CONFIG)
    accounts: dict[int, AddCommand] = {}
    expected = []
    for offset, add in enumerate(adds):
        order_id = offset + 1  # the engine's ids: one per add, in order
        accounts[order_id] = add
        events = engine.apply(
            AddOrder(
                order_id,
                add.owner,
                add.side,
                add.price,  # type: ignore[arg-type]
                add.quantity,  # type: ignore[arg-type]
                add.timestamp_ms,
                add.time_in_force,
                add.post_only,
                add.expiry_s * 1000 or None,
            )
        )
        for trade in (e for e in events if type(e) is Trade):
            assert isinstance(trade, Trade)
            buy, sell = accounts[trade.buy_order_id], accounts[trade.sell_order_id]
            expected.append(
                (
                    trade.trade_id,
                    buy.order,
                    sell.order,
                    buy.owner,
                    sell.owner,
                    trade.price,
                    trade.quantity,
                    trade.maker_side,
                    offset,
                )
            )
        trades = session.apply(add, offset).trades
        assert [
            (
                t.trade_id,
                t.buy_order,
                t.sell_order,
                t.buyer,
                t.seller,
                t.price,
                t.quantity,
                t.maker_side,
                t.command_offset,
            )
            for t in trades
        ] == expected[len(expected) - len(trades) :]
    assert len(expected) > 50
    assert session.snapshot()["engine"] == engine.snapshot()


def test_live_orders_track_the_book_and_deltas_chain() -> None:
    writer = LogWriter(seed=2)
    reference = Reference()
    for offset, command in enumerate(writer.burst(1500)):
        reference.apply(command, 0, offset)
        session = reference.sessions[command.market]
        live = {o.order_id for o in session.engine.open_orders()}
        assert {session.engine_order_id(a) for a in session.live_orders()} == live
    for market in writer.market_addresses:
        after = 0
        for delta in (d for d in reference.deltas if d.market == market):
            assert delta.after_sequence == after < delta.deltas[0].sequence
            after = delta.last_sequence


@pytest.mark.parametrize("seed", range(4))
def test_restore_then_replay_gives_the_same_messages_and_state(seed: int) -> None:
    commands = LogWriter(seed=seed, markets=1).burst(600)
    whole, resumed = Reference(), Reference()
    for offset, command in enumerate(commands):
        whole.apply(command, 0, offset)
        if offset < 300:
            resumed.apply(command, 0, offset)
    for market, session in resumed.sessions.items():
        through_json = json.loads(json.dumps(session.snapshot()))
        resumed.sessions[market] = MarketSession.restore(through_json)
    cut = len(resumed.trades)
    for offset, command in enumerate(commands[300:], start=300):
        resumed.apply(command, 0, offset)
    assert resumed.trades[cut:] == whole.trades[cut:]
    assert resumed.trades == whole.trades
    for market, session in whole.sessions.items():
        assert resumed.sessions[market].snapshot() == session.snapshot()


def test_chain_order_duplicates_and_order_accounts() -> None:
    writer = LogWriter(seed=4, markets=1)
    market = writer.market_addresses[0]
    session = MarketSession(market, CONFIG)
    sell = writer.add(
        market,
        side=Side.SELL,
        price=100,
        quantity=2 * KWH,
        time_in_force=TimeInForce.GTC,
        post_only=False,
        expiry_s=0,
    )
    assert session.apply(sell, 0).rejection is None

    def refused(command: object, offset: int) -> RejectionReason | None:
        outcome = session.apply(command, offset)  # type: ignore[arg-type]
        return None if outcome.rejection is None else outcome.rejection.reason

    assert refused(sell, 1) is RejectionReason.DUPLICATE
    again = dataclasses.replace(sell, signature=signature(writer.rng))
    assert refused(again, 2) is RejectionReason.ORDER_ALREADY_LIVE
    assert refused(dataclasses.replace(sell, slot=sell.slot - 1), 3) is RejectionReason.OUT_OF_ORDER
    cancel = dataclasses.replace(writer.cancel(market), order=sell.order, owner=address(writer.rng))
    assert refused(cancel, 4) is RejectionReason.OWNER_MISMATCH
    unknown = dataclasses.replace(cancel, order=address(writer.rng))
    assert refused(unknown, 5) is RejectionReason.UNKNOWN_ORDER
    # Filled, the account is free again: the chain may re-create it.
    buy = writer.add(
        market,
        side=Side.BUY,
        price=100,
        quantity=2 * KWH,
        time_in_force=TimeInForce.IOC,
        post_only=False,
        expiry_s=0,
    )
    (trade,) = session.apply(buy, 6).trades
    assert (trade.sell_order, trade.sell_order_offset, trade.command_offset) == (sell.order, 0, 6)
    assert session.live_orders() == {}
    reused = dataclasses.replace(sell, slot=writer.slot + 1, signature=buy.signature)
    assert session.apply(reused, 7).rejection is None


def test_a_cancel_runs_at_its_own_time() -> None:
    writer = LogWriter(seed=6, markets=1)
    market = writer.market_addresses[0]
    session = MarketSession(market, CONFIG)
    order = writer.add(
        market,
        side=Side.BUY,
        price=90,
        quantity=KWH,
        time_in_force=TimeInForce.GTC,
        post_only=False,
        expiry_s=writer.timestamp_ms // 1000 + 5,
    )
    session.apply(order, 0)
    late = dataclasses.replace(
        writer.cancel(market), timestamp_ms=order.expiry_s * 1000, slot=writer.slot + 1
    )
    outcome = session.apply(late, 1)
    # The order expired first, so the engine finds nothing to cancel.
    assert [r.reason.value for r in outcome.engine_rejections] == ["unknown_order_id"]
    assert outcome.book_delta is not None
    assert [(d.price, d.quantity) for d in outcome.book_delta.deltas] == [(90, 0)]
    assert session.live_orders() == {}


def test_restore_refuses_inconsistent_snapshots() -> None:
    writer = LogWriter(seed=8, markets=1)
    session = MarketSession(writer.market_addresses[0], CONFIG)
    for offset, command in enumerate(writer.burst(50)):
        session.apply(command, offset)
    snapshot = session.snapshot()
    assert isinstance(snapshot["orders"], list)
    assert snapshot["orders"], "the book should hold orders"
    with pytest.raises(SnapshotError, match="do not match"):
        MarketSession.restore({**snapshot, "orders": snapshot["orders"][1:]})
    with pytest.raises(SnapshotError, match="version"):
        MarketSession.restore({**snapshot, "version": 2})
    with pytest.raises(SnapshotError, match="slot command"):
        MarketSession.restore({**snapshot, "slot_commands": [["a", "b"]]})
