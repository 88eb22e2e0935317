"""The matching service on the real Kafka and PostgreSQL, in this process."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict

import pytest
from confluent_kafka import Message

from gridtokenx.config import Settings
from gridtokenx.market import Side, TimeInForce
from gridtokenx.market.service import MatchingService
from gridtokenx.market.wire import (
    RejectionReason,
    TradeMessage,
    decode_book_delta,
    decode_trade,
    encode_command,
)
from tests.market.service.commands import KWH, LogWriter, Reference, address, signature
from tests.market.service.private_market import PARTITIONS, PrivateMarket, private_market

pytestmark = pytest.mark.integration


def _run(market: PrivateMarket) -> MatchingService:
    store = market.store()
    service = MatchingService(market.settings, store)
    try:
        service.run(max_idle_polls=3)
    finally:
        store.close()
    return service


def _header(record: Message, name: str) -> str:
    value = dict(record.headers() or [])[name]
    assert isinstance(value, bytes)
    return value.decode()


def _by_market(trades: list[TradeMessage]) -> dict[str, list[TradeMessage]]:
    grouped: dict[str, list[TradeMessage]] = defaultdict(list)
    for trade in trades:
        grouped[trade.market].append(trade)
    return dict(grouped)


def test_a_command_log_gives_exactly_the_trades_and_deltas_of_the_pure_sessions(
    running_stack: Settings,
) -> None:
    writer = LogWriter(seed=7)
    commands = writer.burst(800)
    with private_market(running_stack, batch_size=64) as market:
        placed = market.publish_commands(commands)
        reference = Reference()
        for command, (partition, offset) in zip(commands, placed, strict=True):
            reference.apply(command, partition, offset)
        counters = _run(market).counters

        trades = [
            decode_trade(r.value() or b"")
            for r in market.read_committed(market.market.trades_topic, PARTITIONS)
        ]
        deltas = [
            decode_book_delta(r.value() or b"")
            for r in market.read_committed(market.market.book_deltas_topic, PARTITIONS)
        ]
        refused = market.read_committed(market.market.dead_letter_topic, 1)
        checkpoints = {p: market.store().latest(p) for p in range(PARTITIONS)}

    assert len(reference.trades) > 100, "the log should trade a lot"
    assert reference.rejections, "the log should cancel orders that already finished"
    assert _by_market(trades) == _by_market(reference.trades)
    assert counters.commands == len(commands)
    assert counters.trades == len(trades)
    # Each market's delta records chain without gaps, and folding them gives the book.
    for market_address, session in reference.sessions.items():
        mine = [d for d in deltas if d.market == market_address]
        assert mine == [d for d in reference.deltas if d.market == market_address]
        levels: dict[tuple[Side, int], int] = {}
        after = 0
        for record in mine:
            assert record.after_sequence == after
            after = record.last_sequence
            for delta in record.deltas:
                levels[(delta.side, delta.price)] = delta.quantity
        for side in Side:
            book = {(side, level.price): level.quantity for level in session.engine.depth(side)}
            assert {k: q for k, q in levels.items() if k[0] is side and q} == book
    # Cancels of finished orders are refused, with their source, exactly once each.
    sources = [_header(r, "source").split("/") for r in refused]
    assert sorted((int(p), int(o)) for _, p, o in sources) == sorted(reference.rejections)
    # The final checkpoint is the whole state of every market.
    for partition, checkpoint in checkpoints.items():
        assert checkpoint is not None
        assert checkpoint.next_offset == sum(1 for p, _ in placed if p == partition)
        for market_address, session in checkpoint.sessions.items():
            assert session.snapshot() == reference.sessions[market_address].snapshot()


def test_bad_commands_are_refused_with_their_reason_and_never_stop_the_service(
    running_stack: Settings,
) -> None:
    writer = LogWriter(seed=3, markets=1)
    market_address = writer.market_addresses[0]
    key = market_address.encode()
    sell = writer.add(
        market_address,
        side=Side.SELL,
        price=100,
        quantity=5 * KWH,
        time_in_force=TimeInForce.GTC,
        post_only=False,
        expiry_s=0,
    )
    document = json.loads(encode_command(sell))
    stranger = address(writer.rng)

    def variant(**changes: object) -> bytes:
        return json.dumps({**document, **changes}).encode()

    records: list[tuple[bytes, bytes, str | None]] = [
        (key, encode_command(sell), None),
        (key, encode_command(sell), RejectionReason.DUPLICATE),
        (key, variant(signature=signature(writer.rng)), RejectionReason.ORDER_ALREADY_LIVE),
        (key, b"not json", RejectionReason.MALFORMED),
        (key, b"[1, 2]", RejectionReason.MALFORMED),
        (key, variant(v=2), RejectionReason.UNSUPPORTED_VERSION),
        (address(writer.rng).encode(), encode_command(sell), RejectionReason.KEY_MISMATCH),
        (key, variant(price=100.5), RejectionReason.MALFORMED),
        (key, variant(quantity=True), RejectionReason.MALFORMED),
        (key, variant(order="0OIl"), RejectionReason.MALFORMED),
        (key, variant(type="amend"), RejectionReason.MALFORMED),
    ]
    records += [
        (
            key,
            encode_command(
                dataclasses.replace(writer.cancel(market_address), order=sell.order, owner=stranger)
            ),
            RejectionReason.OWNER_MISMATCH,
        ),
        (
            key,
            encode_command(dataclasses.replace(writer.cancel(market_address), order=stranger)),
            RejectionReason.UNKNOWN_ORDER,
        ),
        (key, variant(slot=sell.slot - 1, order=stranger), RejectionReason.OUT_OF_ORDER),
        # Refused by the engine, not the service: counted, not dead-lettered.
        (
            key,
            encode_command(
                writer.add(
                    market_address,
                    side=Side.BUY,
                    price=100,
                    quantity=50 * KWH,
                    time_in_force=TimeInForce.FOK,
                    post_only=False,
                )
            ),
            None,
        ),
        # And the market still trades.
        (
            key,
            encode_command(
                writer.add(
                    market_address,
                    side=Side.BUY,
                    price=101,
                    quantity=2 * KWH,
                    time_in_force=TimeInForce.GTC,
                    post_only=False,
                    owner=stranger,
                )
            ),
            None,
        ),
    ]
    with private_market(running_stack, batch_size=5) as market:
        placed = market.publish([(k, v) for k, v, _ in records])
        counters = _run(market).counters
        refused = market.read_committed(market.market.dead_letter_topic, 1)
        trades = [
            decode_trade(r.value() or b"")
            for r in market.read_committed(market.market.trades_topic, PARTITIONS)
        ]

    expected = [
        (f"{market.market.commands_topic}/{p}/{o}", reason)
        for (p, o), (_, _, reason) in zip(placed, records, strict=True)
        if reason is not None
    ]
    got = [(_header(r, "source"), _header(r, "reason")) for r in refused]
    assert sorted(got) == sorted(expected)
    assert all(_header(r, "detail") for r in refused)
    assert sum(counters.rejected.values()) == len(expected)
    assert counters.engine_rejected == {"fok_not_fillable": 1}
    assert [(t.sell_order, t.buyer, t.price, t.quantity) for t in trades] == [
        (sell.order, stranger, 100, 2 * KWH)
    ]
