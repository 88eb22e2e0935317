"""The settle loop: resolve what may still land, batch pending trades, settle, claim.

Exactly once, by construction: a batch is signed, then recorded as ``submitted`` together with
its trades (conditionally on their being pending), and only then sent. Whatever happens next,
the ledger holds its signature and its blockhash's ``lastValidBlockHeight``, and the batch is
resolved from the chain alone (:func:`~gridtokenx.settlement.core.resolve_batch`): landed →
settled; not landed once the block height is past the last valid one → expired, and only then
are its trades pending again and put into a new transaction. While it may still land, the same
signed bytes are resent and nothing else is sent for its trades.

Refused fills: a batch is simulated before it is recorded. When the Trading program refuses one
of its fills (an order cancelled or claimed closed before settlement, an expired order, a price
outside the limits, an overfill ...; :data:`~gridtokenx.settlement.core.FILL_ERRORS`), the first
refused fill is found by bisecting prefixes of the batch (fills apply in order and ``settle``
stops at the first it refuses), its trade is marked ``rejected`` with the program error's name
as reason, and the rest is simulated again. Any other refusal rejects nothing; the market's
batches wait and are tried again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from solders.hash import Hash
from solders.keypair import Keypair
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.chain.client.rpc import LatestBlockhash
from gridtokenx.chain.trading.builders import MarketKeys
from gridtokenx.settlement import metrics
from gridtokenx.settlement.chain import Refusal
from gridtokenx.settlement.core import (
    BatchLimits,
    BatchResolution,
    BatchStatus,
    FirstFailureSearch,
    LandedStatus,
    PendingTrade,
    batch_ready,
    distinct_orders,
    form_batch,
    is_fill_error,
    resolve_batch,
)
from gridtokenx.settlement.errors import SettlementStoreError
from gridtokenx.settlement.repository import (
    ClaimRecord,
    PendingRelease,
    ReleaseOutcome,
    SettlementStore,
    StoredBatch,
)
from gridtokenx.settlement.transactions import SETTLE_INSTRUCTION_INDEX, settle_transaction

_log = logging.getLogger(__name__)
_REFUSED_BACKOFF_S = 5.0
_RELEASES_PER_STEP = 20


class SettleChain(Protocol):
    """What the settler needs of a cluster (``SettlementChain`` over JSON-RPC)."""

    matcher: Keypair
    payer: Keypair

    async def market_keys(self, market: str) -> MarketKeys | None: ...

    async def latest_blockhash(self) -> LatestBlockhash: ...

    async def simulate(self, transaction: VersionedTransaction, index: int) -> Refusal | None: ...

    async def send(self, transaction: VersionedTransaction) -> None: ...

    async def block_height(self) -> int: ...

    async def status(self, signature: str) -> LandedStatus | None: ...

    async def claim_orders(self, keys: MarketKeys, orders: Sequence[str]) -> list[ClaimRecord]: ...

    async def release_order(self, keys: MarketKeys, release: PendingRelease) -> ReleaseOutcome: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SettlerPolicy:
    limits: BatchLimits
    confirm_poll_s: float
    resend_interval_s: float
    max_landed_failures: int
    claim: bool = True


@dataclass
class SettlerCounters:
    batches: dict[str, int] = field(default_factory=dict)
    settled: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    claims: dict[str, int] = field(default_factory=dict)
    releases: dict[str, int] = field(default_factory=dict)

    def count(self, table: dict[str, int], key: str, amount: int = 1) -> None:
        table[key] = table.get(key, 0) + amount


class Settler:
    def __init__(
        self,
        store: SettlementStore,
        chain: SettleChain,
        policy: SettlerPolicy,
        *,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.chain = chain
        self.policy = policy
        self._clock = clock
        self._blocked_until: dict[str, float] = {}
        self.counters = SettlerCounters()
        self._stop = stop or threading.Event()

    @property
    def stopping(self) -> bool:
        """Set: finish no new work; a batch in flight is left submitted for the next start."""
        return self._stop.is_set()

    async def step(self) -> bool:
        """One round: resolve submitted batches, settle each market's ready batches, crank the
        claims of settled batches. True if it did something (call again at once)."""
        worked = await self.resolve_submitted()
        for market in self.store.markets_with_pending():
            # Settle every ready batch first: claims can wait, a trade's settlement should not.
            while not self.stopping and await self.settle_market(market):
                worked = True
        if not self.stopping:
            worked |= await self.release_orders()
        if self.policy.claim and not self.stopping:
            worked |= await self.crank_claims()
        return worked

    # --- resolution ----------------------------------------------------------------------------

    async def resolve_submitted(self) -> bool:
        """Resolve each recorded batch that may still land (after a crash, or left waiting)."""
        worked = False
        for batch in self.store.submitted_batches():
            transaction = VersionedTransaction.from_bytes(batch.signed_transaction)
            resolution = await self._check(batch)
            if resolution is BatchResolution.WAIT:
                # It may still land: the same bytes again, and follow it to its end.
                await self.chain.send(transaction)
                resolution = await self._follow(batch, transaction)
            worked |= resolution is not BatchResolution.WAIT
        return worked

    async def _check(self, batch: StoredBatch) -> BatchResolution:
        # Height first: "past the last valid height, then not found" proves it never lands.
        height = await self.chain.block_height()
        status = await self.chain.status(batch.signature)
        resolution = resolve_batch(status, height, batch.last_valid_block_height)
        if resolution is BatchResolution.SETTLED:
            assert status is not None
            self._settled(batch, status.slot)
        elif resolution is BatchResolution.FAILED:
            assert status is not None
            self._release(batch, BatchStatus.FAILED, f"landed and failed: {status.err}")
        elif resolution is BatchResolution.EXPIRED:
            self._release(batch, BatchStatus.EXPIRED, "its blockhash expired before it landed")
        return resolution

    async def _follow(
        self, batch: StoredBatch, transaction: VersionedTransaction
    ) -> BatchResolution:
        """Poll the sent batch until it is resolved, resending the same bytes now and then; WAIT
        only when the service is stopping (the next start resolves it)."""
        last_send = self._clock()
        while not self.stopping:
            if self._clock() - last_send >= self.policy.resend_interval_s:
                await self.chain.send(transaction)
                last_send = self._clock()
            await asyncio.sleep(self.policy.confirm_poll_s)
            try:
                resolution = await self._check(batch)
            except ChainClientError as exc:
                metrics.CHAIN_ERRORS.labels(type(exc).__name__).inc()
                _log.warning("batch %d: status unknown, asking again: %s", batch.batch_id, exc)
                continue
            if resolution is not BatchResolution.WAIT:
                return resolution
        return BatchResolution.WAIT

    def _settled(self, batch: StoredBatch, slot: int) -> None:
        latencies = self.store.settle_batch(batch.batch_id, slot)
        if not latencies:
            return  # resolved before (by an earlier run)
        for latency in latencies:
            metrics.SETTLE_LATENCY_SECONDS.observe(latency)
        metrics.TRADES_SETTLED.inc(len(latencies))
        metrics.BATCHES.labels("settled").inc()
        self.counters.settled += len(latencies)
        self.counters.count(self.counters.batches, "settled")

    def _release(self, batch: StoredBatch, status: BatchStatus, error: str) -> None:
        released = self.store.release_batch(
            batch.batch_id, status, error, max_landed_failures=self.policy.max_landed_failures
        )
        if released.pending or released.rejected:
            _log.warning("batch %d %s: %s", batch.batch_id, status.value, error)
            metrics.BATCHES.labels(status.value).inc()
            self.counters.count(self.counters.batches, status.value)
        if released.rejected:
            metrics.TRADES_REJECTED.labels("LandedFailures").inc(released.rejected)
            self.counters.count(self.counters.rejected, "LandedFailures", released.rejected)

    # --- settling ------------------------------------------------------------------------------

    async def settle_market(self, market: str) -> bool:
        """Settle the market's next batch if it is ready; True if anything changed."""
        if self._clock() < self._blocked_until.get(market, float("-inf")):
            return False
        keys = await self.chain.market_keys(market)
        if keys is None:
            metrics.BATCHES_REFUSED.labels("unknown_market").inc()
            _log.warning(
                "trades of %s wait: it is not a market this service's matcher key settles",
                market,
            )
            self._blocked_until[market] = self._clock() + _REFUSED_BACKOFF_S
            return False
        limits = self.policy.limits
        pending, oldest_age_ms = self.store.pending(market, limits.max_fills + 1)
        batch = form_batch(pending, limits)
        if not batch_ready(batch, pending, oldest_age_ms, limits):
            return False
        latest = await self.chain.latest_blockhash()
        signed = await self._without_refused_fills(market, keys, batch, latest.blockhash)
        if signed is None:
            return True  # fills were rejected, or the whole batch waits: form it again
        trades, transaction = signed
        stored = self.store.submit_batch(
            market,
            trades,
            str(transaction.signatures[0]),
            bytes(transaction),
            latest.last_valid_block_height,
            len(distinct_orders(trades)),
        )
        if stored is None:
            return True  # another process took some of these trades first
        metrics.FILLS_PER_TRANSACTION.observe(len(trades))
        await self.chain.send(transaction)
        await self._follow(stored, transaction)
        return True

    async def _without_refused_fills(
        self, market: str, keys: MarketKeys, batch: list[PendingTrade], blockhash: Hash
    ) -> tuple[list[PendingTrade], VersionedTransaction] | None:
        """The batch signed, if it simulates cleanly; otherwise its first refused fill is
        rejected (None returned, so the rest is formed and simulated again), or, for a refusal
        that is not about one fill, the market waits (None)."""
        transaction = self._sign(keys, batch, blockhash)
        refusal = await self._simulate(transaction)
        if refusal is None:
            return batch, transaction
        if refusal.error == "BlockhashNotFound":
            return None  # the blockhash aged out meanwhile: sign again with a new one
        if not is_fill_error(refusal.code):
            self._refused_whole(market, refusal)
            return None
        search = FirstFailureSearch(len(batch))
        refusals = {len(batch): refusal}
        while not search.done:
            length = search.probe()
            prefix_refusal = await self._simulate(self._sign(keys, batch[:length], blockhash))
            search.record(length, prefix_refusal is not None)
            if prefix_refusal is not None:
                refusals[length] = prefix_refusal
        index = search.first_failure
        cause = refusals[index + 1]
        if not is_fill_error(cause.code):
            self._refused_whole(market, cause)
            return None
        self._reject(market, batch[index], cause.reason)
        return None

    def _sign(
        self, keys: MarketKeys, trades: Sequence[PendingTrade], blockhash: Hash
    ) -> VersionedTransaction:
        return settle_transaction(keys, trades, self.chain.matcher, self.chain.payer, blockhash)

    async def _simulate(self, transaction: VersionedTransaction) -> Refusal | None:
        metrics.SIMULATIONS.inc()
        return await self.chain.simulate(transaction, SETTLE_INSTRUCTION_INDEX)

    def _reject(self, market: str, trade: PendingTrade, reason: str) -> None:
        if self.store.reject(market, trade.trade_id, reason):
            _log.warning(
                "trade %s/%d rejected: the chain refuses its fill (%s)",
                market,
                trade.trade_id,
                reason,
            )
            metrics.TRADES_REJECTED.labels(reason).inc()
            self.counters.count(self.counters.rejected, reason)

    def _refused_whole(self, market: str, refusal: Refusal) -> None:
        metrics.BATCHES_REFUSED.labels(refusal.reason).inc()
        _log.warning(
            "market %s: the chain refuses its settle transaction as a whole (%s); nothing is "
            "rejected, trying again in %.0f s",
            market,
            refusal.reason,
            _REFUSED_BACKOFF_S,
        )
        self._blocked_until[market] = self._clock() + _REFUSED_BACKOFF_S

    # --- releases ------------------------------------------------------------------------------

    async def release_orders(self) -> bool:
        """Cancel, signed by the matcher, each IOC or post-only order the matcher finished
        unfilled once its trades are settled or rejected: the owner gets its escrow back."""
        worked = False
        for release in self.store.releases_ready(_RELEASES_PER_STEP):
            if self.stopping:
                break
            keys = await self.chain.market_keys(release.market)
            if keys is None:
                continue
            outcome = await self.chain.release_order(keys, release)
            if self.store.resolve_release(release, outcome):
                metrics.RELEASES.labels(outcome.status).inc()
                self.counters.count(self.counters.releases, outcome.status)
                if outcome.status == "failed":
                    _log.warning(
                        "release of order %s refused by the chain: %s", release.order, outcome.error
                    )
            worked = True
        return worked

    # --- claims --------------------------------------------------------------------------------

    async def crank_claims(self) -> bool:
        """Claim for the orders of each settled batch whose claims are not done."""
        worked = False
        for batch in self.store.batches_to_claim():
            if self.stopping:
                break
            keys = await self.chain.market_keys(batch.market)
            if keys is None:
                continue
            claims = await self.chain.claim_orders(keys, distinct_orders(batch.trades))
            self.store.record_claims(batch.batch_id, batch.market, claims)
            for claim in claims:
                metrics.CLAIMS.labels(claim.status).inc()
                self.counters.count(self.counters.claims, claim.status)
            worked = True
        return worked


RECOVERABLE = (ChainClientError, SettlementStoreError)
"""Errors a step may end with that the next step recovers from (the ledger holds every fact)."""
