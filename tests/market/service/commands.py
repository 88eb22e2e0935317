"""Deterministic command logs for the matching-service tests, and their pure reference run."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx.market import MarketConfig, Side, TimeInForce
from gridtokenx.market.session import MarketSession, Outcome
from gridtokenx.market.wire import (
    AddCommand,
    BookDeltaMessage,
    CancelCommand,
    OrderCommand,
    RejectionReason,
    TradeMessage,
)

KWH = 1_000_000
START_MS = 1_800_000_000_000
CONFIG = MarketConfig(market_order_band_per_kwh=0)


def address(rng: random.Random) -> str:
    return str(Pubkey(rng.randbytes(32)))


def signature(rng: random.Random) -> str:
    return str(Signature(rng.randbytes(64)))


@dataclass
class LogWriter:
    """Builds a plausible chain-ordered command log over a few markets and owners."""

    seed: int
    markets: int = 3
    owners: int = 6
    rng: random.Random = field(init=False)
    market_addresses: list[str] = field(init=False)
    owner_addresses: list[str] = field(init=False)
    slot: int = 1_000
    timestamp_ms: int = START_MS
    placed: dict[str, list[tuple[str, str]]] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.market_addresses = [address(self.rng) for _ in range(self.markets)]
        self.owner_addresses = [address(self.rng) for _ in range(self.owners)]
        self.placed = {market: [] for market in self.market_addresses}

    def add(self, market: str, **overrides: object) -> AddCommand:
        rng = self.rng
        self._tick()
        owner = rng.choice(self.owner_addresses)
        time_in_force = rng.choices(
            [TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK], weights=[85, 10, 5]
        )[0]
        expiring = time_in_force is TimeInForce.GTC and rng.random() < 0.1
        fields: dict[str, object] = {
            "market": market,
            "order": address(rng),
            "owner": owner,
            "order_id": rng.randrange(2**32),
            "side": rng.choice([Side.BUY, Side.SELL]),
            "price": rng.randint(95, 105),
            "quantity": rng.randint(1, 10) * KWH,
            "expiry_s": self.timestamp_ms // 1000 + rng.randint(1, 20) if expiring else 0,
            "time_in_force": time_in_force,
            "post_only": time_in_force is TimeInForce.GTC and rng.random() < 0.05,
            "timestamp_ms": self.timestamp_ms,
            "slot": self.slot,
            "signature": signature(rng),
        }
        fields.update(overrides)
        command = AddCommand(**fields)  # type: ignore[arg-type]
        self.placed[market].append((command.order, command.owner))
        return command

    def cancel(self, market: str) -> CancelCommand:
        self._tick()
        order, owner = self.rng.choice(self.placed[market])
        return CancelCommand(
            market, order, owner, self.timestamp_ms, self.slot, signature(self.rng)
        )

    def burst(self, count: int) -> list[OrderCommand]:
        commands: list[OrderCommand] = []
        for _ in range(count):
            market = self.rng.choice(self.market_addresses)
            if self.placed[market] and self.rng.random() < 0.2:
                commands.append(self.cancel(market))
            else:
                commands.append(self.add(market))
        return commands

    def _tick(self) -> None:
        self.slot += self.rng.randint(0, 1)
        self.timestamp_ms += self.rng.randint(0, 700)


@dataclass
class Reference:
    """What the pure sessions produce for a command log read at the given offsets."""

    sessions: dict[str, MarketSession] = field(default_factory=dict)
    trades: list[TradeMessage] = field(default_factory=list)
    deltas: list[BookDeltaMessage] = field(default_factory=list)
    rejections: dict[tuple[int, int], RejectionReason] = field(default_factory=dict)
    """(partition, offset) → reason of every command the session refused."""

    def apply(self, command: OrderCommand, partition: int, offset: int) -> Outcome:
        session = self.sessions.setdefault(command.market, MarketSession(command.market, CONFIG))
        outcome = session.apply(command, offset)
        self.trades += outcome.trades
        if outcome.book_delta is not None:
            self.deltas.append(outcome.book_delta)
        if outcome.rejection is not None:
            self.rejections[(partition, offset)] = outcome.rejection.reason
        return outcome
