"""Settlement service: the matcher's trades → Trading ``settle`` transactions → ``claim``.

It consumes ``trades`` (consumer group ``settlement``), stores each trade once in PostgreSQL
(idempotent on (market, trade_id)) before committing the offset, batches a market's pending
trades in ``trade_id`` order into legacy ``settle`` transactions signed by the market's matcher
key (up to 10 fills between 20 distinct orders; a batch goes out once it is full or has
``min_fills_per_transaction`` fills, or after ``max_linger_ms``), then cranks ``claim`` for the
orders of settled batches so that owners receive their GXT and USDC.

Guarantees and rules:

- **Exactly once per trade, across crashes**: a batch is signed and recorded ``submitted``
  (with its signature, signed bytes and the blockhash's ``lastValidBlockHeight``) before it is
  sent; a submitted batch is resolved from the chain alone, and its trades go back to pending
  only once it can never land (see :mod:`gridtokenx.settlement.service`).
- **Refused fills** (an order cancelled, closed or expired before settlement, a price outside
  the limits, an overfill) are found by simulation and bisection; their trades end ``rejected``
  with the Trading error's name as reason (``WrongAccountOwner`` for a closed order,
  ``OrderExpired`` ...), and the batch's other fills settle. A refusal of the whole transaction
  (wrong matcher key, vault mismatch, fees) rejects nothing; the market waits and retries.
- **Claims** are cranked for the orders of settled batches that have something to claim, once
  no batch is ready to settle (settling comes first); the settlement payer pays, also the rent
  of an owner's missing associated token account. ``NothingToClaim`` and already closed orders
  are benign and recorded as such. Claims are idempotent on chain, so a crash only repeats them
  harmlessly.
- Known limits: one batch in flight at a time per process; more than one process is safe (every
  status change is conditional) but wasteful; v0 transactions with lookup tables (28 fills) are
  not used.
"""

from gridtokenx.settlement.core import (
    BatchLimits,
    BatchResolution,
    BatchStatus,
    PendingTrade,
    TradeStatus,
    form_batch,
    resolve_batch,
)

__all__ = [
    "BatchLimits",
    "BatchResolution",
    "BatchStatus",
    "PendingTrade",
    "TradeStatus",
    "form_batch",
    "resolve_batch",
]
