"""The order routes' rules, pure: bounds of price, quantity and expiry, what an order costs the
wallet, and the order id scheme. No I/O: the routes read balances and the clock, then ask here.

Amounts are integers in base units: prices in USDC base units per kWh, quantities in GXT base
units (10**6 per kWh), SOL in lamports. A buy order locks ``ceil(price * quantity / 10**6)``
USDC base units (:func:`gridtokenx.core.money.escrow_for_bid`), a sell order its quantity of GXT;
either way the owner pays the order account's rent and the transaction fee in SOL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gridtokenx.config import OrderBoundsSettings
from gridtokenx.core.money import escrow_for_bid
from gridtokenx.gateway.order_errors import (
    ExpiryOutOfBoundsError,
    InsufficientBalanceError,
    PriceOutOfBoundsError,
    QuantityOutOfBoundsError,
)

Side = Literal["buy", "sell"]
Asset = Literal["sol", "gxt", "usdc"]

LAMPORTS_PER_SIGNATURE = 5_000
"""The base fee of each signature (the runtime's fixed ``lamports_per_signature``)."""
MICRO_LAMPORTS_PER_LAMPORT = 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Holdings:
    """What a wallet holds: lamports, and GXT and USDC in its associated token accounts (None
    when that account does not exist)."""

    lamports: int
    gxt: int | None
    usdc: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Needs:
    """What a transaction takes from the wallet: ``lamports`` (rent + fee) and ``amount`` base
    units of ``asset`` (the escrow; 0 for cancel and claim)."""

    lamports: int
    asset: Asset | None = None
    amount: int = 0


def check_order(
    bounds: OrderBoundsSettings, *, price: int, quantity: int, expiry_s: int, now_s: int
) -> None:
    """Refuse an order outside the configured bounds, naming the bound in ``details``."""
    if not bounds.min_price_per_kwh <= price <= bounds.max_price_per_kwh:
        raise PriceOutOfBoundsError(
            f"a price is between {bounds.min_price_per_kwh} and {bounds.max_price_per_kwh} USDC "
            f"base units per kWh; got {price}",
            {"min": bounds.min_price_per_kwh, "max": bounds.max_price_per_kwh, "got": price},
        )
    if price % bounds.tick_per_kwh:
        raise PriceOutOfBoundsError(
            f"a price is a whole number of ticks of {bounds.tick_per_kwh} USDC base units per "
            f"kWh; got {price}",
            {"tick": bounds.tick_per_kwh, "got": price},
        )
    low, high = bounds.min_quantity_gxt_base_units, bounds.max_quantity_gxt_base_units
    if not low <= quantity <= high:
        raise QuantityOutOfBoundsError(
            f"a quantity is between {low} and {high} GXT base units; got {quantity}",
            {"min": low, "max": high, "got": quantity},
        )
    if quantity % bounds.lot_gxt_base_units:
        raise QuantityOutOfBoundsError(
            f"a quantity is a whole number of lots of {bounds.lot_gxt_base_units} GXT base "
            f"units; got {quantity}",
            {"lot": bounds.lot_gxt_base_units, "got": quantity},
        )
    if expiry_s != 0 and not now_s < expiry_s <= now_s + bounds.max_expiry_s:
        raise ExpiryOutOfBoundsError(
            f"an expiry is 0 (never) or a unix time after now ({now_s}) and at most "
            f"{bounds.max_expiry_s} s ahead; got {expiry_s}",
            {"now": now_s, "max": now_s + bounds.max_expiry_s, "got": expiry_s},
        )


def transaction_fee(signatures: int, compute_unit_limit: int, micro_lamports_per_cu: int) -> int:
    """The most a transaction's fee can be: base fee plus the priority fee, rounded up."""
    priority = -(-compute_unit_limit * micro_lamports_per_cu // MICRO_LAMPORTS_PER_LAMPORT)
    return signatures * LAMPORTS_PER_SIGNATURE + priority


def order_needs(
    *, side: Side, price: int, quantity: int, rent_lamports: int, fee_lamports: int
) -> Needs:
    """What placing the order takes: its escrow, and its account's rent plus the fee in SOL."""
    if side == "buy":
        return Needs(
            lamports=rent_lamports + fee_lamports,
            asset="usdc",
            amount=escrow_for_bid(price, quantity),
        )
    return Needs(lamports=rent_lamports + fee_lamports, asset="gxt", amount=quantity)


def check_holdings(needs: Needs, holdings: Holdings) -> None:
    """Refuse when the wallet holds less than ``needs``; the escrow is checked first."""
    if needs.asset is not None and needs.amount:
        held = holdings.gxt if needs.asset == "gxt" else holdings.usdc
        if held is None or held < needs.amount:
            _insufficient(needs.asset, needs.amount, held or 0)
    if holdings.lamports < needs.lamports:
        _insufficient("sol", needs.lamports, holdings.lamports)


def _insufficient(asset: Asset, needed: int, held: int) -> None:
    unit = "lamports" if asset == "sol" else f"{asset.upper()} base units"
    raise InsufficientBalanceError(
        f"this needs {needed} {unit} and the wallet holds {held}",
        {"asset": asset, "needed": needed, "held": held},
    )


def order_id_candidates(now_ms: int, count: int) -> list[int]:
    """Order ids to try, in order: the current unix time in ms, then the next ones.

    An order's address is the PDA of (market, owner, order id), so ids only need to be unique
    per owner; a time-based id is unique unless the same wallet prepares several orders within
    a millisecond or an earlier order with that id is still open, which is why the route takes
    the first candidate whose address holds no account.
    """
    return [now_ms + offset for offset in range(count)]
