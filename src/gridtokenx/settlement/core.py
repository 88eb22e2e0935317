"""The settlement rules, free of I/O: batch formation, state transitions, how a batch ends,
which refusals belong to one fill.

- **Batches** are prefixes of a market's pending trades in ``trade_id`` order, as long as the
  limits of one legacy transaction allow (fills and distinct order accounts); a batch goes out
  when it is full, when it has ``min_fills`` fills, or when its oldest trade has lingered long
  enough.
- **A trade moves** ``pending → submitted → settled``; a submitted trade whose transaction can
  never land (expired) or landed with an error goes back to ``pending``; a pending trade whose
  fill the chain refuses becomes ``rejected``. ``settled`` and ``rejected`` are final.
- **A submitted batch is resolved from the chain alone**: its signature landed → settled (or
  failed, if it landed with an error); not landed and the block height, read *before* the
  status, is past the blockhash's ``lastValidBlockHeight`` → it can never land; otherwise it may
  still land and nothing new is sent for its trades.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from gridtokenx.chain.trading.errors import TradingErrorCode
from gridtokenx.settlement.errors import InvalidTransitionError


class TradeStatus(StrEnum):
    PENDING = "pending"
    """Recorded, in no transaction that could still land."""
    SUBMITTED = "submitted"
    """In a signed batch that may land; nothing else is sent for it until that is decided."""
    SETTLED = "settled"
    """Its batch landed and succeeded: the fill is in both orders on chain."""
    REJECTED = "rejected"
    """The chain refuses its fill for good (``reason`` names the program error)."""


_TRADE_MOVES: dict[TradeStatus, frozenset[TradeStatus]] = {
    TradeStatus.PENDING: frozenset({TradeStatus.SUBMITTED, TradeStatus.REJECTED}),
    TradeStatus.SUBMITTED: frozenset({TradeStatus.SETTLED, TradeStatus.PENDING}),
    TradeStatus.SETTLED: frozenset(),
    TradeStatus.REJECTED: frozenset(),
}


def trade_transition(current: TradeStatus, new: TradeStatus) -> TradeStatus:
    """``new`` if a trade may move from ``current`` to it, else InvalidTransitionError."""
    if new not in _TRADE_MOVES[current]:
        raise InvalidTransitionError(
            f"a {current.value} trade cannot become {new.value}: pending → submitted → settled, "
            "submitted → pending when its transaction can no longer land, pending → rejected"
        )
    return new


class BatchStatus(StrEnum):
    SUBMITTED = "submitted"
    """Signed and recorded; it may or may not have reached the chain."""
    SETTLED = "settled"
    EXPIRED = "expired"
    """Not landed, and its blockhash is too old for it ever to land."""
    FAILED = "failed"
    """Landed with an error (fee paid, nothing else changed)."""


def batch_transition(current: BatchStatus, new: BatchStatus) -> BatchStatus:
    """Only a submitted batch is resolved, and exactly once."""
    if current is not BatchStatus.SUBMITTED or new is BatchStatus.SUBMITTED:
        raise InvalidTransitionError(
            f"a {current.value} batch cannot become {new.value}: only submitted batches are "
            "resolved, each exactly once"
        )
    return new


@dataclass(frozen=True, slots=True)
class PendingTrade:
    """What batching needs of one trade (addresses as base58 text)."""

    trade_id: int
    buy_order: str
    sell_order: str
    price: int
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchLimits:
    """The limits of one settle transaction.

    Attributes:
        max_fills: fills per transaction at most (10 fit a legacy transaction).
        max_orders: distinct order accounts per transaction at most (20 when the matcher pays).
        min_fills: a batch with this many fills goes out without waiting.
        max_linger_ms: how long the oldest pending trade waits for a fuller batch.
    """

    max_fills: int = 10
    max_orders: int = 20
    min_fills: int = 8
    max_linger_ms: int = 250

    def __post_init__(self) -> None:
        if self.max_fills < 1 or self.max_orders < 2 or self.min_fills < 1:
            raise ValueError(
                f"a batch needs max_fills ≥ 1, max_orders ≥ 2 and min_fills ≥ 1, got {self}"
            )


def form_batch(pending: Sequence[PendingTrade], limits: BatchLimits) -> list[PendingTrade]:
    """The longest prefix of ``pending`` (in ``trade_id`` order) that fits one transaction.

    A single trade always fits (two orders), so the batch is empty only when ``pending`` is.
    """
    batch: list[PendingTrade] = []
    orders: set[str] = set()
    for trade in pending:
        grown = orders | {trade.buy_order, trade.sell_order}
        if len(batch) == limits.max_fills or len(grown) > limits.max_orders:
            break
        batch.append(trade)
        orders = grown
    return batch


def batch_is_full(
    batch: Sequence[PendingTrade], pending: Sequence[PendingTrade], limits: BatchLimits
) -> bool:
    """Whether ``batch`` (``form_batch(pending)``) cannot grow any more: every pending trade is
    in it at the limit, or the next trade does not fit."""
    if len(batch) == limits.max_fills:
        return True
    return len(batch) < len(pending)


def batch_ready(
    batch: Sequence[PendingTrade],
    pending: Sequence[PendingTrade],
    oldest_age_ms: int,
    limits: BatchLimits,
) -> bool:
    """Whether to send ``batch`` now: it is full, it reached ``min_fills``, or the oldest pending
    trade has waited ``max_linger_ms``."""
    if not batch:
        return False
    return (
        batch_is_full(batch, pending, limits)
        or len(batch) >= limits.min_fills
        or oldest_age_ms >= limits.max_linger_ms
    )


def distinct_orders(trades: Sequence[PendingTrade]) -> list[str]:
    """The order accounts of ``trades``, each once, in first-use order."""
    seen: dict[str, None] = {}
    for trade in trades:
        seen.setdefault(trade.buy_order)
        seen.setdefault(trade.sell_order)
    return list(seen)


class BatchResolution(Enum):
    SETTLED = "settled"
    """Landed and succeeded (at the wanted commitment)."""
    FAILED = "failed"
    """Landed with an error: it never applies; its trades are pending again."""
    EXPIRED = "expired"
    """Not landed and the block height is past its last valid one: it never will."""
    WAIT = "wait"
    """It may still land (or has landed below the wanted commitment): resend the same bytes,
    send nothing new for its trades."""


@dataclass(frozen=True, slots=True)
class LandedStatus:
    """A signature's status: its error (None: success), whether it reached the commitment, and
    the slot it landed in."""

    err: object
    final: bool
    slot: int = 0


def resolve_batch(
    status: LandedStatus | None, block_height: int, last_valid_block_height: int
) -> BatchResolution:
    """How a submitted batch stands, from its signature's status and the block height.

    The caller must read ``block_height`` *before* the status: a transaction may land up to the
    block after which its blockhash is too old, so "height past the last valid one, then not
    found" proves it never lands, while "not found, then past" does not.
    """
    if status is not None:
        if not status.final:
            return BatchResolution.WAIT
        return BatchResolution.SETTLED if status.err is None else BatchResolution.FAILED
    if block_height > last_valid_block_height:
        return BatchResolution.EXPIRED
    return BatchResolution.WAIT


FILL_ERRORS: frozenset[TradingErrorCode] = frozenset(
    {
        # WrongAccountOwner: the order is closed (cancelled, claimed) or never existed.
        TradingErrorCode.WRONG_ACCOUNT_OWNER,
        TradingErrorCode.INVALID_ACCOUNT_DATA,
        TradingErrorCode.ORDER_MARKET_MISMATCH,
        TradingErrorCode.ORDER_SIDE_MISMATCH,
        TradingErrorCode.SELF_TRADE,
        TradingErrorCode.ORDER_EXPIRED,
        TradingErrorCode.PRICE_OUTSIDE_LIMITS,
        TradingErrorCode.OVERFILL,
        TradingErrorCode.INVALID_ARGUMENT,
        TradingErrorCode.ARITHMETIC_OVERFLOW,
    }
)
"""Trading errors that ``settle`` raises about one fill's orders, price or quantity: the fill is
rejected and the others settle. Any other refusal (wrong matcher key, vaults, fees, the cluster)
is about the whole transaction and rejects nothing: the batch waits and is tried again."""


def is_fill_error(code: int | None) -> bool:
    return code is not None and code in {error.value for error in FILL_ERRORS}


class FirstFailureSearch:
    """Bisection for the first failing fill of a batch whose whole ``size`` fails.

    Fills apply in order and ``settle`` stops at the first one it refuses, so whether a prefix
    fails is monotone in its length: the first failing fill is the shortest failing prefix's
    last one. The adapter asks ``probe()`` for a prefix length to simulate and reports with
    ``record()`` until ``done``; about ``log2(size)`` simulations.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a batch to search has at least one fill, not {size}")
        self._low = 1
        """Every prefix shorter than this succeeds."""
        self._high = size
        """The shortest prefix known to fail."""

    @property
    def done(self) -> bool:
        return self._low >= self._high

    def probe(self) -> int:
        """The next prefix length to simulate."""
        if self.done:
            raise ValueError("the search is over: read first_failure")
        return (self._low + self._high) // 2

    def record(self, length: int, failed: bool) -> None:
        if not self._low <= length < self._high:
            raise ValueError(f"prefix {length} is outside {self._low}..{self._high - 1}")
        if failed:
            self._high = length
        else:
            self._low = length + 1

    @property
    def first_failure(self) -> int:
        """The index of the first failing fill (its prefix is the shortest that fails)."""
        if not self.done:
            raise ValueError("the search is not over: probe() again")
        return self._high - 1
