"""The market topics' wire format: round trips, the documented layout, and every refusal."""

from __future__ import annotations

import json
import random

import pytest
from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx.core.u64 import U64_MAX
from gridtokenx.market import Side, TimeInForce
from gridtokenx.market.wire import (
    AddCommand,
    AdvanceCommand,
    BookDeltaMessage,
    CancelCommand,
    LevelDelta,
    RejectionReason,
    TradeMessage,
    WireFormatError,
    decode_book_delta,
    decode_command,
    decode_trade,
    encode_book_delta,
    encode_command,
    encode_trade,
)

RNG = random.Random(5)
MARKET, ORDER, OWNER, OTHER = (str(Pubkey(RNG.randbytes(32))) for _ in range(4))
SIGNATURE = str(Signature(RNG.randbytes(64)))
ADD = AddCommand(
    market=MARKET,
    order=ORDER,
    owner=OWNER,
    order_id=U64_MAX,
    side=Side.SELL,
    price=1,
    quantity=U64_MAX,
    expiry_s=1_800_000_000,
    time_in_force=TimeInForce.IOC,
    post_only=False,
    timestamp_ms=1_800_000_000_000,
    slot=123,
    signature=SIGNATURE,
)
CANCEL = CancelCommand(MARKET, ORDER, OWNER, 1_800_000_000_500, 124, SIGNATURE)
ADVANCE = AdvanceCommand(MARKET, 1_800_000_001_000)


@pytest.mark.parametrize("command", [ADD, CANCEL, ADVANCE], ids=["add", "cancel", "advance"])
def test_commands_round_trip(command: AddCommand | CancelCommand | AdvanceCommand) -> None:
    assert decode_command(MARKET.encode(), encode_command(command)) == command


def test_an_add_reads_as_documented() -> None:
    document = {
        "v": 1,
        "type": "add",
        "market": MARKET,
        "order": ORDER,
        "owner": OWNER,
        "order_id": U64_MAX,
        "side": "sell",
        "price": 1,
        "quantity": U64_MAX,
        "expiry": 1_800_000_000,
        "time_in_force": "ioc",
        "post_only": False,
        "timestamp_ms": 1_800_000_000_000,
        "slot": 123,
        "signature": SIGNATURE,
    }
    assert json.loads(encode_command(ADD)) == document
    assert decode_command(MARKET.encode(), json.dumps(document).encode()) == ADD


def test_trades_and_book_deltas_round_trip() -> None:
    for maker_side in (Side.BUY, None):
        trade = TradeMessage(
            MARKET, 7, 42, ORDER, OTHER, OWNER, OTHER, 99, 5, maker_side, 1, 10, 3, 9
        )
        assert decode_trade(encode_trade(trade)) == trade
    delta = BookDeltaMessage(
        MARKET, 40, 44, 10, (LevelDelta(43, Side.BUY, 99, 0, 0), LevelDelta(44, Side.SELL, 1, 5, 2))
    )
    assert decode_book_delta(encode_book_delta(delta)) == delta


def _mutated(**changes: object) -> bytes:
    document = json.loads(encode_command(ADD))
    for name, value in changes.items():
        if value is _MISSING:
            del document[name]
        else:
            document[name] = value
    return json.dumps(document).encode()


_MISSING = object()
MALFORMED = RejectionReason.MALFORMED


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        (MARKET.encode(), None, MALFORMED),
        (MARKET.encode(), b"", MALFORMED),
        (MARKET.encode(), b"\xff\xfe", MALFORMED),
        (MARKET.encode(), b"{not json", MALFORMED),
        (MARKET.encode(), b'"add"', MALFORMED),
        (MARKET.encode(), _mutated(v=2), RejectionReason.UNSUPPORTED_VERSION),
        (MARKET.encode(), _mutated(v=_MISSING), RejectionReason.UNSUPPORTED_VERSION),
        (MARKET.encode(), _mutated(type="amend"), MALFORMED),
        (MARKET.encode(), _mutated(price=_MISSING), MALFORMED),
        (MARKET.encode(), _mutated(price=0), MALFORMED),
        (MARKET.encode(), _mutated(price=100.0), MALFORMED),
        (MARKET.encode(), _mutated(price="100"), MALFORMED),
        (MARKET.encode(), _mutated(price=None), MALFORMED),
        (MARKET.encode(), _mutated(quantity=U64_MAX + 1), MALFORMED),
        (MARKET.encode(), _mutated(quantity=True), MALFORMED),
        (MARKET.encode(), _mutated(slot=-1), MALFORMED),
        (MARKET.encode(), _mutated(expiry=2**63), MALFORMED),
        (MARKET.encode(), _mutated(side="bid"), MALFORMED),
        (MARKET.encode(), _mutated(time_in_force="GTC"), MALFORMED),
        (MARKET.encode(), _mutated(post_only=0), MALFORMED),
        (MARKET.encode(), _mutated(order="0" + ORDER[1:]), MALFORMED),
        (MARKET.encode(), _mutated(order=str(Pubkey(bytes(32)))[:-1]), MALFORMED),
        (MARKET.encode(), _mutated(owner=ORDER + "1"), MALFORMED),
        (MARKET.encode(), _mutated(owner=""), MALFORMED),
        (MARKET.encode(), _mutated(signature=ORDER), MALFORMED),
        (MARKET.encode(), _mutated(signature="1" * 1000), MALFORMED),
        (MARKET.encode(), _mutated(market="x"), MALFORMED),
        (OTHER.encode(), _mutated(), RejectionReason.KEY_MISMATCH),
        (None, _mutated(), RejectionReason.KEY_MISMATCH),
    ],
)
def test_bad_records_are_refused_with_their_reason(
    key: bytes | None, value: bytes | None, reason: RejectionReason
) -> None:
    with pytest.raises(WireFormatError) as raised:
        decode_command(key, value)
    assert raised.value.reason is reason
    assert raised.value.detail


def test_a_trade_record_is_checked_too() -> None:
    document = json.loads(
        encode_trade(TradeMessage(MARKET, 1, 1, ORDER, OTHER, OWNER, OTHER, 9, 5, None, 1, 0, 0, 0))
    )
    with pytest.raises(WireFormatError, match="maker_side"):
        decode_trade(json.dumps({**document, "maker_side": "both"}).encode())
    with pytest.raises(WireFormatError, match="deltas"):
        decode_book_delta(
            json.dumps(
                {
                    "v": 1,
                    "market": MARKET,
                    "after_sequence": 0,
                    "last_sequence": 1,
                    "command_offset": 0,
                    "deltas": {},
                }
            ).encode()
        )
