"""Landed transactions → order commands and touched orders; pure, no I/O.

The input is one ``getTransaction`` result (a JSON document) with the transaction in the
``base64`` encoding (raw bytes, decoded with solders) or the ``json`` encoding (compiled
instructions with base58 data). Every instruction of the Trading program is decoded with the
program's own layouts (:mod:`gridtokenx.chain.trading.instructions`):

* ``place_order`` → an :class:`~gridtokenx.market.wire.AddCommand` with the order's time in
  force: chain GTC → ``gtc``, IOC → ``ioc``, post-only → ``gtc`` with ``post_only``. The
  33-byte arguments of the form before time in force existed decode as GTC.
* ``cancel_order`` → a :class:`~gridtokenx.market.wire.CancelCommand`; its ``owner`` is the
  instruction's owner account (the order's owner: the program checks the link), also when an
  expired order is cancelled by someone else. A cancel by the market's matcher (an 11th
  account: the rest of an IOC order, a post-only order that would have taken) gives no command,
  only a touch: the matcher sends it after the engine has finished the order.
* ``settle`` and ``claim`` → no command (fills come from the matcher), only the order accounts
  they changed, so the mirror can read those accounts again.

Instructions are visited in execution order: each top-level instruction, then the instructions
it invoked (``meta.innerInstructions``). A program that CPIs into Trading therefore places and
cancels orders like a wallet does. Accounts past the static keys of a v0 message resolve through
``meta.loadedAddresses`` (writable, then read-only), as the runtime orders them.

A failed transaction (``meta.err`` set) changed nothing on chain and yields nothing.

Every command of a transaction runs at the same market clock: ``blockTime * 1000``, raised to
``floor_ms`` (the latest clock the indexer handed out) so that a market's clock never goes
back, which the matching engine refuses. A node that reports no ``blockTime`` gets ``floor_ms``:
the command keeps its chain order and is stamped with the newest time known, never a guess
ahead of the chain.
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from gridtokenx.chain.anchor.errors import AnchorCodecError
from gridtokenx.chain.anchor.layout import AnchorInstruction
from gridtokenx.chain.node.codec import b58decode
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.accounts import TimeInForce as ChainTimeInForce
from gridtokenx.chain.trading.instructions import (
    CancelOrder,
    Claim,
    InitializeMarket,
    PlaceOrder,
    Settle,
)
from gridtokenx.indexer.errors import TransactionDecodeError
from gridtokenx.market.orders import Side, TimeInForce
from gridtokenx.market.wire import AddCommand, CancelCommand

_DISCRIMINATOR_LEN: Final = 8
_I64_MAX: Final = 2**63 - 1
_SETTLE_NAMED_ACCOUNTS: Final = len(Settle.ACCOUNTS)
_SIDES: Final = {OrderSide.BUY: Side.BUY, OrderSide.SELL: Side.SELL}

ChainCommand = AddCommand | CancelCommand


class TouchKind(enum.StrEnum):
    """What a Trading instruction did to an order account."""

    PLACE = "place"
    CANCEL = "cancel"
    SETTLE = "settle"
    CLAIM = "claim"


@dataclass(frozen=True, slots=True)
class OrderTouch:
    """An order account a Trading instruction wrote, in execution order."""

    kind: TouchKind
    market: str
    order: str
    placed: AddCommand | None = None
    """The order's terms, for ``place`` only."""


@dataclass(frozen=True, slots=True)
class DecodedTransaction:
    signature: str
    slot: int
    block_time_ms: int | None
    """``blockTime * 1000`` as the node reported it (None: it reported none)."""
    timestamp_ms: int
    """The market clock of every command of this transaction (see the module docstring)."""
    failed: bool
    commands: tuple[ChainCommand, ...]
    touches: tuple[OrderTouch, ...]
    skipped: tuple[str, ...]
    """Trading instructions that could not be decoded, each with the reason (none for a
    successful transaction of a program that matches these layouts)."""


@dataclass(frozen=True, slots=True)
class _Instruction:
    program: str
    accounts: tuple[str, ...]
    data: bytes
    where: str


_KINDS: Final[dict[bytes, type[AnchorInstruction]]] = {
    kind.discriminator(): kind
    for kind in (InitializeMarket, PlaceOrder, CancelOrder, Settle, Claim)
}


def decode_transaction(
    document: Mapping[str, object], program_id: Pubkey | str, *, floor_ms: int = 0
) -> DecodedTransaction:
    """The Trading commands and touched orders of one ``getTransaction`` result.

    Raises TransactionDecodeError when the document is not a landed transaction at all (a
    defect of the node or of the caller); instructions of other programs are ignored.
    """
    program = str(program_id)
    slot = _integer(document.get("slot"), "slot")
    block_time = document.get("blockTime")
    block_time_ms = None if block_time is None else _integer(block_time, "blockTime") * 1000
    timestamp_ms = max(floor_ms, block_time_ms or 0)
    meta = document.get("meta")
    if not isinstance(meta, Mapping):
        raise TransactionDecodeError(f"transaction in slot {slot}: meta missing")
    signature, keys, top_level = _message(document.get("transaction"), slot)
    keys = keys + _loaded_addresses(meta)
    failed = meta.get("err") is not None
    commands: list[ChainCommand] = []
    touches: list[OrderTouch] = []
    skipped: list[str] = []
    if not failed:
        for instruction in _in_execution_order(top_level, _inner(meta), keys, signature):
            if instruction.program != program:
                continue
            try:
                _decode_trading(instruction, signature, slot, timestamp_ms, commands, touches)
            except (AnchorCodecError, TransactionDecodeError, ValueError) as exc:
                skipped.append(f"{instruction.where}: {exc}")
    return DecodedTransaction(
        signature=signature,
        slot=slot,
        block_time_ms=block_time_ms,
        timestamp_ms=timestamp_ms,
        failed=failed,
        commands=tuple(commands),
        touches=tuple(touches),
        skipped=tuple(skipped),
    )


def _decode_trading(
    instruction: _Instruction,
    signature: str,
    slot: int,
    timestamp_ms: int,
    commands: list[ChainCommand],
    touches: list[OrderTouch],
) -> None:
    data, accounts = instruction.data, instruction.accounts
    kind = _KINDS.get(data[:_DISCRIMINATOR_LEN])
    if kind is None:
        raise TransactionDecodeError(f"unknown discriminator {data[:_DISCRIMINATOR_LEN].hex()}")
    payload = data[_DISCRIMINATOR_LEN:]
    if kind is PlaceOrder and len(payload) == PlaceOrder.fixed_size() - 1:
        payload += bytes(1)  # the arguments before time_in_force existed: a GTC order
    arguments = kind.decode(payload)
    if kind is Settle:
        assert isinstance(arguments, Settle)
        _need(accounts, _SETTLE_NAMED_ACCOUNTS + 2 * len(arguments.fills), "settle")
        market = accounts[0]
        seen: set[str] = set()
        for order in accounts[_SETTLE_NAMED_ACCOUNTS:]:
            if order not in seen:
                seen.add(order)
                touches.append(OrderTouch(TouchKind.SETTLE, market, order))
        return
    if kind is InitializeMarket:
        return
    _need(accounts, len(kind.ACCOUNTS), kind.NAME)
    market, order, owner = accounts[0], accounts[1], accounts[2]
    if kind is PlaceOrder:
        assert isinstance(arguments, PlaceOrder)
        add = _add_command(arguments, market, order, owner, signature, slot, timestamp_ms)
        commands.append(add)
        touches.append(OrderTouch(TouchKind.PLACE, market, order, add))
    elif kind is CancelOrder:
        if len(accounts) <= len(kind.ACCOUNTS):  # not the matcher's cancel of a finished order
            commands.append(CancelCommand(market, order, owner, timestamp_ms, slot, signature))
        touches.append(OrderTouch(TouchKind.CANCEL, market, order))
    else:
        touches.append(OrderTouch(TouchKind.CLAIM, market, order))


def _add_command(
    arguments: PlaceOrder,
    market: str,
    order: str,
    owner: str,
    signature: str,
    slot: int,
    timestamp_ms: int,
) -> AddCommand:
    try:
        side = _SIDES[OrderSide(arguments.side)]
    except ValueError:
        raise TransactionDecodeError(f"place_order side {arguments.side} is not 0 or 1") from None
    try:
        chain_tif = ChainTimeInForce(arguments.time_in_force)
    except ValueError:
        raise TransactionDecodeError(
            f"place_order time in force {arguments.time_in_force} is not 0, 1 or 2"
        ) from None
    # The program refuses these; a landed place_order never has them.
    if arguments.price == 0 or arguments.quantity == 0 or not 0 <= arguments.expiry <= _I64_MAX:
        raise TransactionDecodeError(
            f"place_order of {order} has price {arguments.price}, quantity "
            f"{arguments.quantity}, expiry {arguments.expiry}: not an order the program accepts"
        )
    return AddCommand(
        market=market,
        order=order,
        owner=owner,
        order_id=arguments.order_id,
        side=side,
        price=arguments.price,
        quantity=arguments.quantity,
        expiry_s=arguments.expiry,
        time_in_force=TimeInForce.IOC if chain_tif is ChainTimeInForce.IOC else TimeInForce.GTC,
        post_only=chain_tif is ChainTimeInForce.POST_ONLY,
        timestamp_ms=timestamp_ms,
        slot=slot,
        signature=signature,
    )


def _need(accounts: Sequence[str], count: int, name: str) -> None:
    if len(accounts) < count:
        raise TransactionDecodeError(f"{name} names {len(accounts)} accounts, needs {count}")


# The transaction document --------------------------------------------------------------------


_Compiled = tuple[int, Sequence[int], bytes]
"""program id index, account indexes, data."""


def _message(transaction: object, slot: int) -> tuple[str, list[str], list[_Compiled]]:
    """The first signature, the static account keys and the top-level instructions."""
    if isinstance(transaction, list) and len(transaction) == 2 and transaction[1] == "base64":
        try:
            parsed = VersionedTransaction.from_bytes(base64.b64decode(str(transaction[0])))
        except (ValueError, binascii.Error) as exc:
            raise TransactionDecodeError(f"transaction in slot {slot}: {exc}") from exc
        message = parsed.message
        return (
            str(parsed.signatures[0]),
            [str(key) for key in message.account_keys],
            [
                (each.program_id_index, list(each.accounts), bytes(each.data))
                for each in message.instructions
            ],
        )
    if isinstance(transaction, Mapping):
        signatures = transaction.get("signatures")
        document = transaction.get("message")
        if not isinstance(signatures, list) or not signatures or not isinstance(document, Mapping):
            raise TransactionDecodeError(f"transaction in slot {slot}: no signatures or message")
        keys = document.get("accountKeys")
        if not isinstance(keys, list):
            raise TransactionDecodeError(f"transaction in slot {slot}: no accountKeys")
        return (
            str(signatures[0]),
            [str(key) for key in keys],
            [_compiled(each, slot) for each in _list(document.get("instructions"), slot)],
        )
    raise TransactionDecodeError(
        f"transaction in slot {slot}: expected the base64 or json encoding, got {transaction!r:.80}"
    )


def _compiled(value: object, slot: int) -> _Compiled:
    if not isinstance(value, Mapping):
        raise TransactionDecodeError(f"transaction in slot {slot}: an instruction is not an object")
    accounts = value.get("accounts")
    data = value.get("data")
    if not isinstance(accounts, list) or not isinstance(data, str):
        raise TransactionDecodeError(f"transaction in slot {slot}: a malformed instruction")
    try:
        raw = b58decode(data)
    except ValueError as exc:
        raise TransactionDecodeError(
            f"transaction in slot {slot}: instruction data: {exc}"
        ) from exc
    return (_integer(value.get("programIdIndex"), "programIdIndex"), accounts, raw)


def _loaded_addresses(meta: Mapping[str, object]) -> list[str]:
    loaded = meta.get("loadedAddresses")
    if not isinstance(loaded, Mapping):
        return []
    writable, readonly = loaded.get("writable") or [], loaded.get("readonly") or []
    if not isinstance(writable, list) or not isinstance(readonly, list):
        raise TransactionDecodeError("meta.loadedAddresses is malformed")
    return [str(key) for key in (*writable, *readonly)]


def _inner(meta: Mapping[str, object]) -> dict[int, list[object]]:
    groups = meta.get("innerInstructions") or []
    if not isinstance(groups, list):
        raise TransactionDecodeError("meta.innerInstructions is not a list")
    inner: dict[int, list[object]] = {}
    for group in groups:
        if not isinstance(group, Mapping) or not isinstance(group.get("instructions"), list):
            raise TransactionDecodeError("meta.innerInstructions has a malformed group")
        index = _integer(group.get("index"), "innerInstructions.index")
        instructions = group["instructions"]
        assert isinstance(instructions, list)
        inner.setdefault(index, []).extend(instructions)
    return inner


def _in_execution_order(
    top_level: Sequence[_Compiled],
    inner: Mapping[int, Sequence[object]],
    keys: Sequence[str],
    signature: str,
) -> Iterator[_Instruction]:
    for index, compiled in enumerate(top_level):
        yield _resolve(compiled, keys, f"{signature} instruction {index}")
        for position, each in enumerate(inner.get(index, ())):
            yield _resolve(
                _compiled(each, -1), keys, f"{signature} instruction {index}.{position + 1}"
            )


def _resolve(compiled: _Compiled, keys: Sequence[str], where: str) -> _Instruction:
    program_index, account_indexes, data = compiled
    indexes = [program_index, *account_indexes]
    for index in indexes:
        if type(index) is not int or not 0 <= index < len(keys):
            raise TransactionDecodeError(f"{where}: account index {index!r} out of range")
    return _Instruction(keys[program_index], tuple(keys[i] for i in account_indexes), data, where)


def _list(value: object, slot: int) -> list[object]:
    if not isinstance(value, list):
        raise TransactionDecodeError(f"transaction in slot {slot}: instructions is not a list")
    return value


def _integer(value: object, name: str) -> int:
    if type(value) is not int or value < 0:
        raise TransactionDecodeError(f"{name} must be a non-negative integer, got {value!r:.40}")
    return value
