"""A consumer's deficit: the import it has not yet bought GXT for (pure).

When an agent first sees its meter it takes a baseline: the meter's import register, the import
of its latest deficit window (``agents.deficit_window_intervals`` 15-minute intervals), and the
GXT it has acquired so far. From then on

    uncovered = window at the baseline + import since the baseline - GXT bought since the baseline

in GXT base units (1 Wh = 1,000), never below 0, where the GXT acquired is the wallet's GXT
plus the energy still claimable on its bids (a consumer never sells, so that sum only grows as
its bids fill). The strategy bids for ``uncovered`` less what its open bids still ask for. So a
consumer buys its recent window once, then follows its import, and a bid that fills is never
bought again; one that cannot fill leaves the deficit standing (bounded per order by
``max_order`` and by the USDC it holds). A restart takes a new baseline (one window may then be
bought twice), as does a register that went backwards (another fleet behind the same meter id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gridtokenx.agents.strategy import OpenOrder
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.core.units import GXT_BASE_UNITS_PER_WH


@dataclass(frozen=True, slots=True)
class ImportReading:
    """A meter's import register (Wh, its latest interval's last reading) and its import over
    its latest deficit window (Wh)."""

    register_wh: int
    window_wh: int


@dataclass(frozen=True, slots=True)
class DeficitBaseline:
    register_wh: int
    window_wh: int
    acquired_gxt: int


def acquired_gxt(wallet_gxt: int, open_orders: Iterable[OpenOrder]) -> int:
    """GXT base units the consumer holds or may claim from its bids."""
    return wallet_gxt + sum(o.claimable_energy for o in open_orders if o.side is OrderSide.BUY)


def rebaseline(
    baseline: DeficitBaseline | None, reading: ImportReading, acquired: int
) -> DeficitBaseline:
    """``baseline``, or a new one when there is none or the register went backwards."""
    if baseline is None or reading.register_wh < baseline.register_wh:
        return DeficitBaseline(reading.register_wh, reading.window_wh, acquired)
    return baseline


def uncovered_import_gxt(baseline: DeficitBaseline, reading: ImportReading, acquired: int) -> int:
    """GXT base units of import (since the baseline's window) that nothing was bought for yet;
    counted in base units, so a partial fill of a fraction of a Wh is never bought twice."""
    imported_wh = baseline.window_wh + reading.register_wh - baseline.register_wh
    bought = acquired - baseline.acquired_gxt
    return max(0, imported_wh * GXT_BASE_UNITS_PER_WH - bought)
