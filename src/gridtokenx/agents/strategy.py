"""The agents' strategy (pure): what one owner does this cycle, from what it holds and sees.

``decide(state, params, seed)`` returns the actions in the order they are to be sent: cancels,
then claims, then at most one new order. It reads no clock and does no I/O; the same inputs give
the same actions.

* **Cancel** every open order that is stale (``now - created_at >= order_max_age_s``, chain
  clock) or expired; cancelling returns its escrow and pays its claimables.
* **Claim** the proceeds of an order that is not being cancelled once they have waited
  ``claim_grace_s`` since the agent first saw them (the settlement service normally claims
  first; a claim the settler beat fails harmlessly with NothingToClaim).
* **Place** one order when fewer than ``max_open_orders`` stay open:

  - a prosumer (seller) offers its surplus, ``gxt - reserve_gxt`` of its *wallet* balance
    (GXT already locked in open asks is already offered), at ``max(drawn, reserve_price)``;
  - a consumer (buyer) bids for its deficit, the import it bought no GXT for yet
    (:mod:`gridtokenx.agents.deficit`) minus what its open bids still ask for, at
    ``min(drawn, price_cap)``, never locking more USDC than its wallet holds
    (``ceil(price * quantity / 10^6)``, the on-chain escrow).

  Quantities are whole Wh (multiples of 1,000 GXT base units) between ``min_order`` and
  ``max_order``; prices are drawn by :func:`gridtokenx.agents.pricing.drawn_price` from the
  seed, the owner and the new order's id (:func:`~gridtokenx.agents.pricing.next_order_id`).

Balances are what the wallet holds now: escrow that a cancel of this cycle returns is only
spent in a later cycle, so no order ever needs funds that have not arrived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from gridtokenx.agents.pricing import drawn_price, next_order_id
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.core.money import escrow_for_bid
from gridtokenx.core.units import GXT_BASE_UNITS_PER_KWH, GXT_BASE_UNITS_PER_WH

MS_PER_S = 1_000


class AgentRole(Enum):
    PROSUMER = "prosumer"
    """Sells the GXT its meter's exports minted."""
    CONSUMER = "consumer"
    """Buys GXT for the energy its meter imported."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenOrder:
    """One of the agent's orders as the chain holds it (amounts in base units)."""

    order_id: int
    side: OrderSide
    price_per_kwh: int
    quantity: int
    filled: int
    escrow: int
    claimable_energy: int
    claimable_quote: int
    created_at_s: int
    expiry_s: int = 0

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled

    @property
    def has_claimables(self) -> bool:
        return self.claimable_energy > 0 or self.claimable_quote > 0


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentState:
    """What one agent knows at the start of a cycle."""

    role: AgentRole
    identity: bytes
    """The owner's public key bytes (seeds its price draws)."""
    now_ms: int
    """Wall clock, unix ms (the chain's clock follows it)."""
    gxt: int
    """GXT base units in the owner's wallet (not counting escrow)."""
    usdc: int
    """USDC base units in the owner's wallet (not counting escrow)."""
    open_orders: tuple[OpenOrder, ...] = ()
    uncovered_import_gxt: int = 0
    """A consumer's import it bought no GXT for yet, in GXT base units (1 Wh = 1,000; see
    :mod:`gridtokenx.agents.deficit`); ignored for prosumers."""
    claimable_since_s: Mapping[int, int] = field(default_factory=dict)
    """Order id -> unix second the agent first saw claimables on it."""
    highest_order_id: int = 0
    """The highest order id this agent placed in this process (0: none)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategyParams:
    reference_price_per_kwh: int
    spread_bps: int
    reserve_price_per_kwh: int
    price_cap_per_kwh: int
    reserve_gxt: int
    min_order_gxt: int
    max_order_gxt: int
    max_open_orders: int
    order_max_age_s: int
    claim_grace_s: int


@dataclass(frozen=True, slots=True)
class CancelAction:
    order_id: int
    reason: str
    """``stale`` or ``expired``."""


@dataclass(frozen=True, slots=True)
class ClaimAction:
    order_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceAction:
    order_id: int
    side: OrderSide
    price_per_kwh: int
    quantity: int
    escrow: int
    """What the order locks: GXT base units for a sell, USDC base units for a buy."""


Action = CancelAction | ClaimAction | PlaceAction


def decide(state: AgentState, params: StrategyParams, seed: int) -> list[Action]:
    """The agent's actions this cycle, in sending order (see the module docstring)."""
    now_s = state.now_ms // MS_PER_S
    actions: list[Action] = []
    staying: list[OpenOrder] = []
    for order in state.open_orders:
        reason = _cancel_reason(order, now_s, params)
        if reason is not None:
            actions.append(CancelAction(order.order_id, reason))
        else:
            staying.append(order)
    for order in staying:
        since = state.claimable_since_s.get(order.order_id)
        if order.has_claimables and since is not None and now_s - since >= params.claim_grace_s:
            actions.append(ClaimAction(order.order_id))
    if len(staying) < params.max_open_orders:
        highest = max([state.highest_order_id, *(o.order_id for o in state.open_orders)])
        place = _new_order(state, staying, params, seed, next_order_id(state.now_ms, highest))
        if place is not None:
            actions.append(place)
    return actions


def _cancel_reason(order: OpenOrder, now_s: int, params: StrategyParams) -> str | None:
    if order.expiry_s and now_s >= order.expiry_s:
        return "expired"
    if now_s - order.created_at_s >= params.order_max_age_s:
        return "stale"
    return None


def _whole_wh(gxt: int) -> int:
    return gxt - gxt % GXT_BASE_UNITS_PER_WH


def _new_order(
    state: AgentState,
    staying: list[OpenOrder],
    params: StrategyParams,
    seed: int,
    order_id: int,
) -> PlaceAction | None:
    drawn = drawn_price(
        params.reference_price_per_kwh, params.spread_bps, seed, state.identity, order_id
    )
    if state.role is AgentRole.PROSUMER:
        quantity = _whole_wh(min(state.gxt - params.reserve_gxt, params.max_order_gxt))
        if quantity < params.min_order_gxt:
            return None
        price = max(drawn, params.reserve_price_per_kwh)
        return PlaceAction(
            order_id=order_id,
            side=OrderSide.SELL,
            price_per_kwh=price,
            quantity=quantity,
            escrow=quantity,
        )
    price = min(drawn, params.price_cap_per_kwh)
    bidding = sum(o.remaining for o in staying if o.side is OrderSide.BUY)
    deficit = state.uncovered_import_gxt - bidding
    affordable = state.usdc * GXT_BASE_UNITS_PER_KWH // price
    quantity = _whole_wh(min(deficit, affordable, params.max_order_gxt))
    if quantity < params.min_order_gxt:
        return None
    return PlaceAction(
        order_id=order_id,
        side=OrderSide.BUY,
        price_per_kwh=price,
        quantity=quantity,
        escrow=escrow_for_bid(price, quantity),
    )
