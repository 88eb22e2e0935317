"""The matching core of a GridTokenX market: a pure, deterministic order book and matcher.

No I/O, no clock, no randomness, standard library and :mod:`gridtokenx.core` types only (the
matching service around it, ``gridtokenx market match``, lives in the modules ``service``,
``kafka_io``, ``snapshots``, ``metrics`` and ``cli``, which the core never imports; its Kafka
contract is :mod:`gridtokenx.market.wire` and its per-market state :mod:`~.session`; the
module ``compiled`` tells whether the optional mypyc build of the core is running). A
:class:`MatchingEngine` turns commands (:class:`AddOrder`, :class:`CancelOrder`,
:class:`AdvanceTime`) into events; the same command sequence always gives the same events and
the same book. Prices are USDC base units per kWh, quantities GXT base units, both ``int``.

Guarantees
    * **Price-time priority** (continuous mode): an incoming order trades with the best opposite
      price first and, at one price, with the oldest order first. Partial fills keep an order's
      place in the queue. Every trade is at the resting (maker) order's price, which is within
      both orders' limits.
    * **Order types**: limit GTC (the rest joins the book), IOC (the rest is cancelled), FOK
      (filled completely at once or rejected with no effect), post-only (rejected if it would
      cross), market orders (IOC or FOK, limited to the best opposite price on arrival plus or
      minus ``MarketConfig.market_order_band_per_kwh``; rejected if the opposite side is
      empty), and ``expiry_ms`` (from that instant the order is removed and never trades).
    * **Self-trade prevention: cancel resting.** An order never trades with a resting order of
      the same owner: in continuous mode that resting order is cancelled when the incoming order
      reaches it and matching goes on; in auction mode the owner's resting orders that the new
      order crosses are cancelled on entry. A FOK counts only other owners' liquidity.
    * **Periodic auction** (``MarketMode.AUCTION``): orders collect without matching; at each
      multiple of ``auction_interval_ms`` the book clears at one uniform price that maximises
      the executed volume, ties going to the midpoint of the volume-maximising prices rounded
      down (see :mod:`~gridtokenx.market.auction`). Unfilled GTC quantity stays for the next
      interval, keeping its time priority; unfilled IOC quantity is cancelled. Orders with
      ``expiry_ms`` at or before a boundary are removed before that clearing.
      :meth:`MatchingEngine.indicative_auction` shows the result ahead of time.
    * **Events** carry one gapless, increasing ``sequence`` per market. Every accepted order
      ends, quantity for quantity, in trades, ``OrderCancelled``, ``OrderExpired`` or the book:
      ``filled + cancelled + expired + resting == accepted quantity``. ``BookDelta`` gives the
      new quantity and order count of every price level a command touched.
    * **Rejections never raise**: a malformed or impossible command yields a ``CommandRejected``
      with a :class:`RejectReason` and leaves the book as it was. The checks that need the book
      (duplicate id, post-only, FOK, market liquidity) run after the command's valid timestamp
      has advanced the clock, so expiries and clearings due by then still happen.
    * **Snapshots**: :meth:`MatchingEngine.snapshot` is plain JSON-compatible data;
      :meth:`MatchingEngine.restore` followed by the later commands reproduces the original run
      event for event.

Limits and known gaps
    * Time only moves with the commands' ``timestamp_ms`` (``CancelOrder`` carries none), and
      never backwards: an earlier timestamp is rejected. Time priority is arrival order, not
      timestamp.
    * Order ids are checked for uniqueness among *live* orders only; re-using the id of a
      finished order is accepted. Global uniqueness is the caller's job (the escrow account).
    * No amend: change an order by cancelling it and adding a new one (losing its priority).
    * Auction mode takes limit GTC/IOC orders only (no market, post-only or FOK orders). When one
      command jumps over several boundaries, only the first one clears, since the later ones
      cannot trade.
    * No tick or lot sizes, fees, notional limits or escrow checks: the gateway and the on-chain
      Trading program enforce those.
    * Cost: adding at an existing level, cancelling and each fill are O(1), plus a sorted-list
      insert or delete (binary search and a C memmove) when a level appears or empties; a FOK
      check and auction-mode self-trade prevention scan the crossing orders. About 2.5 us per
      command from the sources on CPython 3.11, about 1.4x less with the optional mypyc build
      of the same sources (``make native``, :mod:`~gridtokenx.market.compiled`): see
      ``bench/matching.py`` and ``bench/results/matching.txt``.
"""

from __future__ import annotations

from gridtokenx.market.auction import IndicativeAuction
from gridtokenx.market.commands import AddOrder, AdvanceTime, CancelOrder, Command
from gridtokenx.market.config import DEFAULT_AUCTION_INTERVAL_MS, MarketConfig, MarketMode
from gridtokenx.market.engine import MatchingEngine
from gridtokenx.market.errors import MarketConfigError, MarketError, SnapshotError
from gridtokenx.market.events import (
    AuctionCleared,
    BookDelta,
    CancelReason,
    CommandRejected,
    Event,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderFilled,
    RejectReason,
    Trade,
)
from gridtokenx.market.orders import DepthLevel, OpenOrder, Side, TimeInForce
from gridtokenx.market.snapshot import SNAPSHOT_VERSION, Snapshot

__all__ = [
    "DEFAULT_AUCTION_INTERVAL_MS",
    "SNAPSHOT_VERSION",
    "AddOrder",
    "AdvanceTime",
    "AuctionCleared",
    "BookDelta",
    "CancelOrder",
    "CancelReason",
    "Command",
    "CommandRejected",
    "DepthLevel",
    "Event",
    "IndicativeAuction",
    "MarketConfig",
    "MarketConfigError",
    "MarketError",
    "MarketMode",
    "MatchingEngine",
    "OpenOrder",
    "OrderAccepted",
    "OrderCancelled",
    "OrderExpired",
    "OrderFilled",
    "RejectReason",
    "Side",
    "Snapshot",
    "SnapshotError",
    "TimeInForce",
    "Trade",
]
