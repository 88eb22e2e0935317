"""A model cluster for the settler: Trading orders, the settle rules that matter here (a closed
order or an overfill refuses the fill), block heights and blockhash expiry, lost and delayed
transactions, and a process that dies between any two requests (``tests.minting.model.Crash``).

It records every signature sent for each trade (a trade is named by its unique price), so a test
can check that no trade ever had two transactions that could both still land.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from solders.hash import Hash
from solders.keypair import Keypair
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.rpc import LatestBlockhash
from gridtokenx.chain.trading.builders import MarketKeys
from gridtokenx.chain.trading.errors import TradingErrorCode
from gridtokenx.chain.trading.instructions import Settle
from gridtokenx.settlement.chain import Refusal
from gridtokenx.settlement.core import LandedStatus
from gridtokenx.settlement.repository import ClaimRecord, PendingRelease, ReleaseOutcome
from tests.minting.model import Crash

VALID_BLOCKS = 4
"""Blocks a blockhash stays valid in the model (150 on a cluster)."""
_FIXED_SETTLE_ACCOUNTS = 6


@dataclass
class ModelOrder:
    quantity: int
    filled: int = 0
    closed: bool = False


@dataclass(frozen=True)
class _Fill:
    buy: str
    sell: str
    quantity: int
    price: int


@dataclass
class _Sent:
    transaction: VersionedTransaction
    last_valid: int
    landed: bool = False


@dataclass
class ModelChain:
    keys: MarketKeys
    matcher: Keypair
    payer: Keypair
    orders: dict[str, ModelOrder]
    rng: random.Random
    lose_probability: float = 0.3
    delay_probability: float = 0.3
    height: int = 0
    crash_in: int | None = None
    """Die at the call after this many more (None: never)."""
    statuses: dict[str, LandedStatus] = field(default_factory=dict)
    in_flight: dict[str, _Sent] = field(default_factory=dict)
    applied: dict[int, list[str]] = field(default_factory=dict)
    """price (the trade's id in the model) → signatures that applied its fill."""
    sent_for: dict[int, set[str]] = field(default_factory=dict)
    """price → every signature sent with its fill."""
    last_valid_of: dict[str, int] = field(default_factory=dict)

    def _call(self) -> None:
        if self.crash_in is not None:
            if self.crash_in <= 0:
                self.crash_in = None
                raise Crash
            self.crash_in -= 1

    # --- SettleChain ---------------------------------------------------------------------------

    async def market_keys(self, market: str) -> MarketKeys | None:
        self._call()
        return self.keys

    async def latest_blockhash(self) -> LatestBlockhash:
        self._call()
        return LatestBlockhash(_blockhash(self.height), self.height + VALID_BLOCKS)

    async def simulate(self, transaction: VersionedTransaction, index: int) -> Refusal | None:
        self._call()
        code = self._refusal(_fills(transaction))
        return None if code is None else Refusal(code, _error(code))

    async def send(self, transaction: VersionedTransaction) -> None:
        self._call()
        signature = str(transaction.signatures[0])
        last_valid = _height_of(transaction.message.recent_blockhash) + VALID_BLOCKS
        for fill in _fills(transaction):
            self.sent_for.setdefault(fill.price, set()).add(signature)
        self.last_valid_of[signature] = last_valid
        if signature in self.statuses or self.height > last_valid:
            return  # a duplicate, or too old to land: a node drops it
        roll = self.rng.random()
        if roll < self.lose_probability:
            return
        if roll < self.lose_probability + self.delay_probability:
            self.in_flight[signature] = _Sent(transaction, last_valid)
            return
        self._land(transaction)

    async def block_height(self) -> int:
        self._call()
        self.height += 1
        for signature, sent in list(self.in_flight.items()):
            if self.height > sent.last_valid:
                del self.in_flight[signature]
            elif self.rng.random() < 0.5:
                del self.in_flight[signature]
                self._land(sent.transaction)
        return self.height

    async def status(self, signature: str) -> LandedStatus | None:
        self._call()
        return self.statuses.get(signature)

    async def claim_orders(self, keys: MarketKeys, orders: Sequence[str]) -> list[ClaimRecord]:
        self._call()
        return [ClaimRecord(order, None, "nothing_to_claim") for order in orders]

    async def release_order(self, keys: MarketKeys, release: PendingRelease) -> ReleaseOutcome:
        self._call()
        order = self.orders.get(release.order)
        if order is None or order.closed:
            return ReleaseOutcome("closed")
        order.closed = True
        return ReleaseOutcome("cancelled")

    # --- the model -----------------------------------------------------------------------------

    def alive_signatures(self, price: int) -> set[str]:
        """Signatures with this trade's fill that landed successfully or may still land."""
        alive = set()
        for signature in self.sent_for.get(price, set()):
            status = self.statuses.get(signature)
            if status is not None:
                if status.err is None:
                    alive.add(signature)
            elif self.height <= self.last_valid_of[signature]:
                alive.add(signature)
        return alive

    def _refusal(self, fills: Sequence[_Fill]) -> int | None:
        filled: dict[str, int] = {}
        for fill in fills:
            for address in (fill.buy, fill.sell):
                order = self.orders.get(address)
                if order is None or order.closed:
                    return TradingErrorCode.WRONG_ACCOUNT_OWNER.value
                done = filled.get(address, order.filled) + fill.quantity
                if done > order.quantity:
                    return TradingErrorCode.OVERFILL.value
                filled[address] = done
        return None

    def _land(self, transaction: VersionedTransaction) -> None:
        signature = str(transaction.signatures[0])
        if signature in self.statuses:
            return
        fills = _fills(transaction)
        code = self._refusal(fills)
        slot = self.height
        if code is not None:
            self.statuses[signature] = LandedStatus(_error(code), True, slot)
            return
        for fill in fills:
            self.orders[fill.buy].filled += fill.quantity
            self.orders[fill.sell].filled += fill.quantity
            self.applied.setdefault(fill.price, []).append(signature)
        self.statuses[signature] = LandedStatus(None, True, slot)


def _blockhash(height: int) -> Hash:
    return Hash(struct.pack("<Q", height) + bytes(24))


def _height_of(blockhash: Hash) -> int:
    return int(struct.unpack_from("<Q", bytes(blockhash))[0])


def _error(code: int) -> object:
    return {"InstructionError": [0, {"Custom": code}]}


def _fills(transaction: VersionedTransaction) -> list[_Fill]:
    message = transaction.message
    instruction = message.instructions[0]
    keys = message.account_keys
    settle = Settle.decode(bytes(instruction.data)[8:])
    orders = [str(keys[index]) for index in bytes(instruction.accounts)[_FIXED_SETTLE_ACCOUNTS:]]
    return [
        _Fill(orders[2 * i], orders[2 * i + 1], fill.quantity, fill.price)
        for i, fill in enumerate(settle.fills)
    ]
