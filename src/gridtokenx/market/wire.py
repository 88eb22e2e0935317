"""The matching service's Kafka contract: message schemas of its topics, version 1 (UTF-8 JSON).

Every value is one JSON object with ``"v": 1``. Integers are JSON integers (never strings or
floats); prices are USDC base units per kWh, quantities GXT base units; addresses and signatures
are base58. A reader refuses any other version.

``order-commands`` (key: the market address, UTF-8, so one market's commands keep their order in
one partition)::

    {"v": 1, "type": "add", "market": ADDR, "order": ADDR, "owner": ADDR, "order_id": u64,
     "side": "buy"|"sell", "price": u64, "quantity": u64, "expiry": i64 unix s (0 = never),
     "time_in_force": "gtc"|"ioc"|"fok", "post_only": bool, "timestamp_ms": u64,
     "slot": u64, "signature": SIG}
    {"v": 1, "type": "cancel", "market": ADDR, "order": ADDR, "owner": ADDR,
     "timestamp_ms": u64, "slot": u64, "signature": SIG}
    {"v": 1, "type": "advance", "market": ADDR, "timestamp_ms": u64}

``order`` is the on-chain order account and ``order_id`` its id (unique per owner only, so the
matcher names orders by account). ``slot`` and ``signature`` are the transaction the command came
from; a market's add/cancel commands must arrive in non-decreasing slot order. ``timestamp_ms``
is the market clock the command runs at (the slot's block time). ``advance`` moves a market's
clock without an order (a platform clock, so an auction market clears on time).

``trades`` (key: market), one record per fill::

    {"v": 1, "market": ADDR, "trade_id": u64, "sequence": u64, "buy_order": ADDR,
     "sell_order": ADDR, "buyer": ADDR, "seller": ADDR, "price": u64, "quantity": u64,
     "maker_side": "buy"|"sell"|null, "timestamp_ms": u64, "command_offset": int,
     "buy_order_offset": int, "sell_order_offset": int}

``trade_id`` counts a market's trades from 1 without gaps; ``sequence`` is the engine's event
sequence. ``command_offset`` is the ``order-commands`` offset of the command that caused the trade,
``buy_order_offset``/``sell_order_offset`` those of the commands that placed the two orders
(all in the market's partition). ``maker_side`` is null for an auction trade.

``book-deltas`` (key: market), one record per command that changed price levels::

    {"v": 1, "market": ADDR, "after_sequence": u64, "last_sequence": u64, "command_offset": int,
     "deltas": [{"sequence": u64, "side": "buy"|"sell", "price": u64, "quantity": u64,
                 "order_count": int}, ...]}

A level's ``quantity``/``order_count`` are its new totals (0, 0: the level is gone). Each
record's ``after_sequence`` is the previous record's ``last_sequence`` for the market (0 first),
so a reader that sees another value has missed a record.

``order-releases`` (key: market), one record per chain order the engine finished without
filling it completely because of its time in force (the rest of an IOC order, a post-only order
that would have taken, an IOC or post-only order expired or cancelled by self-trade
prevention)::

    {"v": 1, "market": ADDR, "order": ADDR, "owner": ADDR, "reason": str,
     "after_trade_id": u64, "command_offset": int, "order_offset": int}

The order's escrow stays locked on chain until someone cancels it: the settlement service sends
``cancel_order`` signed by the market's matcher (allowed for IOC and post-only orders only) once
every trade of the market up to ``after_trade_id`` (the market's last trade id when the order
finished, 0 = none yet) that involves the order is settled or rejected. ``reason`` is the
engine's cancel or reject reason (``unfilled_remainder``, ``post_only_would_cross`` ...) or
``expired``; ``order_offset`` is the ``order-commands`` offset of the add that placed it.

``order-commands-dlq`` (key as the command): the refused command's bytes unchanged, with headers
``reason`` (a :class:`RejectionReason` value), ``detail`` (for people) and ``source``
(``topic/partition/offset``).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Final, TypeVar

from gridtokenx.core.u64 import U64_MAX
from gridtokenx.errors import GridTokenXError
from gridtokenx.market.orders import Side, TimeInForce

WIRE_VERSION: Final = 1
_ADDRESS_BYTES: Final = 32
_SIGNATURE_BYTES: Final = 64
_BASE58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_DIGITS: Final = {char: digit for digit, char in enumerate(_BASE58_ALPHABET)}
_E = TypeVar("_E", bound=enum.StrEnum)
_I64_MAX: Final = 2**63 - 1


class RejectionReason(enum.StrEnum):
    """Why the matching service refused a command before the engine saw it."""

    MALFORMED = "malformed"
    """Not JSON, not an object, or a field missing, of the wrong type or out of range."""

    UNSUPPORTED_VERSION = "unsupported_version"
    """``v`` is not a version this service reads."""

    KEY_MISMATCH = "key_mismatch"
    """The record's key is not the command's market (it may sit in the wrong partition)."""

    OUT_OF_ORDER = "out_of_order"
    """The command's slot is before the last slot the market applied (late or replayed)."""

    DUPLICATE = "duplicate"
    """The same command (slot, signature, type, order) was applied already."""

    ORDER_ALREADY_LIVE = "order_already_live"
    """An add for an order account that is live in the book."""

    UNKNOWN_ORDER = "unknown_order"
    """A cancel for an order account that is not live (never added, or finished)."""

    OWNER_MISMATCH = "owner_mismatch"
    """A cancel signed by someone other than the order's owner."""


class WireFormatError(GridTokenXError):
    """A record is not a valid message of its topic; ``reason`` says which rule it broke."""

    def __init__(self, reason: RejectionReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class AddCommand:
    market: str
    order: str
    owner: str
    order_id: int
    side: Side
    price: int
    quantity: int
    expiry_s: int
    """Unix seconds; 0 = never."""
    time_in_force: TimeInForce
    post_only: bool
    timestamp_ms: int
    slot: int
    signature: str


@dataclass(frozen=True, slots=True)
class CancelCommand:
    market: str
    order: str
    owner: str
    timestamp_ms: int
    slot: int
    signature: str


@dataclass(frozen=True, slots=True)
class AdvanceCommand:
    market: str
    timestamp_ms: int


OrderCommand = AddCommand | CancelCommand | AdvanceCommand


@dataclass(frozen=True, slots=True)
class TradeMessage:
    market: str
    trade_id: int
    sequence: int
    buy_order: str
    sell_order: str
    buyer: str
    seller: str
    price: int
    quantity: int
    maker_side: Side | None
    timestamp_ms: int
    command_offset: int
    buy_order_offset: int
    sell_order_offset: int


@dataclass(frozen=True, slots=True)
class ReleaseMessage:
    market: str
    order: str
    owner: str
    reason: str
    after_trade_id: int
    command_offset: int
    order_offset: int


@dataclass(frozen=True, slots=True)
class LevelDelta:
    sequence: int
    side: Side
    price: int
    quantity: int
    order_count: int


@dataclass(frozen=True, slots=True)
class BookDeltaMessage:
    market: str
    after_sequence: int
    last_sequence: int
    command_offset: int
    deltas: tuple[LevelDelta, ...]


# Encoding --------------------------------------------------------------------------------------


def _dumps(fields: dict[str, object]) -> bytes:
    return json.dumps({"v": WIRE_VERSION, **fields}, separators=(",", ":")).encode()


def encode_command(command: OrderCommand) -> bytes:
    """The record value of ``command`` on ``order-commands`` (its key is ``command.market``)."""
    if isinstance(command, AddCommand):
        return _dumps(
            {
                "type": "add",
                "market": command.market,
                "order": command.order,
                "owner": command.owner,
                "order_id": command.order_id,
                "side": command.side.value,
                "price": command.price,
                "quantity": command.quantity,
                "expiry": command.expiry_s,
                "time_in_force": command.time_in_force.value,
                "post_only": command.post_only,
                "timestamp_ms": command.timestamp_ms,
                "slot": command.slot,
                "signature": command.signature,
            }
        )
    if isinstance(command, CancelCommand):
        return _dumps(
            {
                "type": "cancel",
                "market": command.market,
                "order": command.order,
                "owner": command.owner,
                "timestamp_ms": command.timestamp_ms,
                "slot": command.slot,
                "signature": command.signature,
            }
        )
    return _dumps(
        {"type": "advance", "market": command.market, "timestamp_ms": command.timestamp_ms}
    )


def encode_trade(trade: TradeMessage) -> bytes:
    return _dumps(
        {
            "market": trade.market,
            "trade_id": trade.trade_id,
            "sequence": trade.sequence,
            "buy_order": trade.buy_order,
            "sell_order": trade.sell_order,
            "buyer": trade.buyer,
            "seller": trade.seller,
            "price": trade.price,
            "quantity": trade.quantity,
            "maker_side": None if trade.maker_side is None else trade.maker_side.value,
            "timestamp_ms": trade.timestamp_ms,
            "command_offset": trade.command_offset,
            "buy_order_offset": trade.buy_order_offset,
            "sell_order_offset": trade.sell_order_offset,
        }
    )


def encode_release(message: ReleaseMessage) -> bytes:
    return _dumps(
        {
            "market": message.market,
            "order": message.order,
            "owner": message.owner,
            "reason": message.reason,
            "after_trade_id": message.after_trade_id,
            "command_offset": message.command_offset,
            "order_offset": message.order_offset,
        }
    )


def encode_book_delta(message: BookDeltaMessage) -> bytes:
    return _dumps(
        {
            "market": message.market,
            "after_sequence": message.after_sequence,
            "last_sequence": message.last_sequence,
            "command_offset": message.command_offset,
            "deltas": [
                {
                    "sequence": delta.sequence,
                    "side": delta.side.value,
                    "price": delta.price,
                    "quantity": delta.quantity,
                    "order_count": delta.order_count,
                }
                for delta in message.deltas
            ],
        }
    )


# Decoding --------------------------------------------------------------------------------------


class _Fields:
    """Typed access to one JSON object's fields; every failure is a WireFormatError."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise WireFormatError(
                RejectionReason.MALFORMED, f"{where} must be a JSON object, got {value!r:.80}"
            )
        self._value: dict[str, object] = value
        self._where = where

    def _get(self, name: str) -> object:
        if name not in self._value:
            raise WireFormatError(RejectionReason.MALFORMED, f"{self._where}: {name} missing")
        return self._value[name]

    def _bad(self, name: str, wanted: str) -> WireFormatError:
        return WireFormatError(
            RejectionReason.MALFORMED,
            f"{self._where}: {name} must be {wanted}, got {self._value[name]!r:.80}",
        )

    def integer(self, name: str, low: int = 0, high: int = U64_MAX) -> int:
        value = self._get(name)
        # bool is an int subclass and JSON true must not pass for 1.
        if type(value) is not int or not low <= value <= high:
            raise self._bad(name, f"an integer in {low}..{high}")
        return value

    def optional_side(self, name: str) -> Side | None:
        return None if self._get(name) is None else self.side(name)

    def side(self, name: str) -> Side:
        return self.choice(name, Side)

    def choice(self, name: str, kind: type[_E]) -> _E:
        value = self._get(name)
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return kind(value)
        except ValueError:
            raise self._bad(name, f"one of {[member.value for member in kind]}") from None

    def boolean(self, name: str) -> bool:
        value = self._get(name)
        if type(value) is not bool:
            raise self._bad(name, "true or false")
        return value

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise self._bad(name, "a string")
        return value

    def address(self, name: str) -> str:
        return self._base58(name, _ADDRESS_BYTES, "address")

    def signature(self, name: str) -> str:
        return self._base58(name, _SIGNATURE_BYTES, "transaction signature")

    def _base58(self, name: str, size: int, what: str) -> str:
        value = self.text(name)
        # 1.37 base58 characters per byte; the bound also keeps decoding cheap on hostile input.
        if len(value) > 2 * size or _base58_length(value) != size:
            raise self._bad(name, f"a base58 {what} of {size} bytes")
        return value

    def records(self, name: str) -> list[_Fields]:
        value = self._get(name)
        if not isinstance(value, list):
            raise self._bad(name, "a list")
        return [_Fields(item, f"{self._where}.{name}[{i}]") for i, item in enumerate(value)]


def _base58_length(text: str) -> int | None:
    """How many bytes ``text`` decodes to as base58 (Bitcoin alphabet), or ``None`` if it is not
    base58. Leading "1"s are zero bytes, so every base58 string has exactly one byte form."""
    number = 0
    for char in text:
        digit = _BASE58_DIGITS.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    return zeros + (number.bit_length() + 7) // 8


def _object(value: bytes | None, what: str) -> _Fields:
    if value is None:
        raise WireFormatError(RejectionReason.MALFORMED, f"{what}: the record has no value")
    try:
        document = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireFormatError(RejectionReason.MALFORMED, f"{what}: not JSON ({exc})") from None
    fields = _Fields(document, what)
    if document.get("v") != WIRE_VERSION:
        raise WireFormatError(
            RejectionReason.UNSUPPORTED_VERSION,
            f"{what}: version {document.get('v')!r:.20} is not {WIRE_VERSION}",
        )
    return fields


def decode_command(key: bytes | None, value: bytes | None) -> OrderCommand:
    """The command in one ``order-commands`` record; raises WireFormatError naming the rule."""
    fields = _object(value, "command")
    kind = fields.text("type")
    market = fields.address("market")
    if key != market.encode():
        raise WireFormatError(
            RejectionReason.KEY_MISMATCH,
            f"record key {key!r:.60} is not the command's market {market}",
        )
    if kind == "advance":
        return AdvanceCommand(market, fields.integer("timestamp_ms"))
    if kind == "cancel":
        return CancelCommand(
            market=market,
            order=fields.address("order"),
            owner=fields.address("owner"),
            timestamp_ms=fields.integer("timestamp_ms"),
            slot=fields.integer("slot"),
            signature=fields.signature("signature"),
        )
    if kind == "add":
        return AddCommand(
            market=market,
            order=fields.address("order"),
            owner=fields.address("owner"),
            order_id=fields.integer("order_id"),
            side=fields.side("side"),
            price=fields.integer("price", low=1),
            quantity=fields.integer("quantity", low=1),
            expiry_s=fields.integer("expiry", high=_I64_MAX),
            time_in_force=fields.choice("time_in_force", TimeInForce),
            post_only=fields.boolean("post_only"),
            timestamp_ms=fields.integer("timestamp_ms"),
            slot=fields.integer("slot"),
            signature=fields.signature("signature"),
        )
    raise WireFormatError(
        RejectionReason.MALFORMED,
        f"command: type must be one of add, cancel, advance, got {kind!r:.40}",
    )


def decode_trade(value: bytes) -> TradeMessage:
    """A ``trades`` record; raises WireFormatError if it is not one (a defect upstream)."""
    fields = _object(value, "trade")
    return TradeMessage(
        market=fields.address("market"),
        trade_id=fields.integer("trade_id", low=1),
        sequence=fields.integer("sequence", low=1),
        buy_order=fields.address("buy_order"),
        sell_order=fields.address("sell_order"),
        buyer=fields.address("buyer"),
        seller=fields.address("seller"),
        price=fields.integer("price", low=1),
        quantity=fields.integer("quantity", low=1),
        maker_side=fields.optional_side("maker_side"),
        timestamp_ms=fields.integer("timestamp_ms"),
        command_offset=fields.integer("command_offset"),
        buy_order_offset=fields.integer("buy_order_offset"),
        sell_order_offset=fields.integer("sell_order_offset"),
    )


def decode_release(value: bytes) -> ReleaseMessage:
    """An ``order-releases`` record; raises WireFormatError if it is not one."""
    fields = _object(value, "release")
    return ReleaseMessage(
        market=fields.address("market"),
        order=fields.address("order"),
        owner=fields.address("owner"),
        reason=fields.text("reason"),
        after_trade_id=fields.integer("after_trade_id"),
        command_offset=fields.integer("command_offset"),
        order_offset=fields.integer("order_offset"),
    )


def decode_book_delta(value: bytes) -> BookDeltaMessage:
    """A ``book-deltas`` record; raises WireFormatError if it is not one."""
    fields = _object(value, "book delta")
    return BookDeltaMessage(
        market=fields.address("market"),
        after_sequence=fields.integer("after_sequence"),
        last_sequence=fields.integer("last_sequence", low=1),
        command_offset=fields.integer("command_offset"),
        deltas=tuple(
            LevelDelta(
                sequence=delta.integer("sequence", low=1),
                side=delta.side("side"),
                price=delta.integer("price", low=1),
                quantity=delta.integer("quantity"),
                order_count=delta.integer("order_count"),
            )
            for delta in fields.records("deltas")
        ),
    )
