"""The order indexer: the chain is the source of truth of orders; this package turns it into
the matcher's input and a PostgreSQL mirror.

It follows the Trading program (``logsSubscribe`` wake-ups, polling as the fallback, and the same
``getSignaturesForAddress`` scan from a persisted cursor after any downtime), reads each landed
transaction oldest first and:

* publishes an ``add`` per ``place_order`` and a ``cancel`` per ``cancel_order`` to
  ``order-commands`` (key: the market; :mod:`gridtokenx.market.wire`), in chain order per market,
  one Kafka transaction per batch, committed before the cursor moves;
* keeps ``chain_orders`` (migration ``0006_order_mirror``) equal to the order accounts after
  ``place_order``, ``cancel_order``, ``settle`` and ``claim``, and a reconcile pass fixes (and
  counts) any drift against ``getProgramAccounts``.

Guarantees and limits:

* Only successful transactions at the indexer's commitment (``finalized`` by default) count;
  failed ones (``meta.err``) produce nothing and touch no row.
* Exactly-once is the matcher's: after a crash between a batch's Kafka commit and its cursor
  commit, the batch is produced again and the matcher refuses each repeat (``duplicate`` in the
  market's latest slot, ``out_of_order`` before it). Those refusals reach the dead-letter topic
  and the matcher's rejection counters like any other.
* Adds carry the order's on-chain time in force (GTC, IOC, post-only → ``post_only``), stored
  in the mirror's ``time_in_force`` (migration ``0013_order_time_in_force``). A cancel the
  market's matcher sends for an order the engine finished (the rest of an IOC, a post-only order
  that would have taken) is mirrored but publishes no command.
* A command's clock is its block time (``blockTime * 1000``), never earlier than the previous
  command's; without a block time it is the previous command's clock.
* Instructions that other programs invoke through CPI are decoded like top-level ones.
* The mirror's ``filled`` is the account's as last read; a cancelled row keeps the value of the
  last read before the cancel (see :mod:`~.mirror`). Reconcile covers live rows only.
* One indexer per Trading program: its Kafka transactional id (``indexer.instance_id``) fences
  an older process with the same id.

Modules: :mod:`~.decoder` and :mod:`~.mirror` are pure; :mod:`~.chain` (JSON-RPC),
:mod:`~.producer` (Kafka), :mod:`~.repository` (PostgreSQL) and :mod:`~.wakeup` (PubSub) are the
adapters; :mod:`~.service` is the loop; :mod:`~.app` and :mod:`~.cli` run it.
"""

from gridtokenx.indexer.decoder import (
    DecodedTransaction,
    OrderTouch,
    TouchKind,
    decode_transaction,
)
from gridtokenx.indexer.errors import (
    CommandPublishError,
    IndexerError,
    MirrorUnavailableError,
    TransactionDecodeError,
)
from gridtokenx.indexer.mirror import (
    DriftKind,
    OrderRow,
    OrderStatus,
    Reconciliation,
    next_row,
    reconcile,
)

__all__ = [
    "CommandPublishError",
    "DecodedTransaction",
    "DriftKind",
    "IndexerError",
    "MirrorUnavailableError",
    "OrderRow",
    "OrderStatus",
    "OrderTouch",
    "Reconciliation",
    "TouchKind",
    "TransactionDecodeError",
    "decode_transaction",
    "next_row",
    "reconcile",
]
