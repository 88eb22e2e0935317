"""Units of the market, their integer types, and exact conversions between energy and tokens.

Everything is an ``int`` in the smallest unit; there is no ``float`` anywhere in the core.

============== ================================ =============================================
type           unit                             range
============== ================================ =============================================
EnergyWh       watt-hours                       0..2**64-1 (a meter register, a u64 on chain)
GxtAmount      GXT base units (10**-6 GXT)      0..2**64-1 (an SPL token amount)
UsdcAmount     USDC base units (10**-6 USDC)    0..2**64-1 (an SPL token amount)
PricePerKwh    USDC base units per kWh          0..2**64-1
FeeBps         basis points (1/10,000)          0..10,000
============== ================================ =============================================

GXT has 6 decimals and 1 GXT is 1 kWh, so 1 Wh is exactly 1,000 GXT base units and one GXT base
unit is a milli-watt-hour. A price is the USDC (in base units) paid for one whole GXT
(``10**6`` GXT base units); see :mod:`gridtokenx.core.money` for the notional of a trade.

The ``NewType`` s cost nothing at run time and let mypy catch a price passed where a quantity
was expected. Values that come from outside (an API body, an account on chain) go through the
``checked_*`` functions, which return the ``NewType`` or raise a
:class:`~gridtokenx.core.errors.CoreError` naming the value and the rule.
"""

from __future__ import annotations

from typing import Final, NewType

from gridtokenx.core.errors import FractionalWhError, InvalidFeeError
from gridtokenx.core.u64 import U64_MAX, checked_mul_u64, checked_u64, require_int

EnergyWh = NewType("EnergyWh", int)
"""Energy in watt-hours."""

GxtAmount = NewType("GxtAmount", int)
"""An amount of the GXT energy token in base units (10**-6 GXT, i.e. 1 mWh)."""

UsdcAmount = NewType("UsdcAmount", int)
"""An amount of USDC in base units (10**-6 USDC)."""

PricePerKwh = NewType("PricePerKwh", int)
"""A price in USDC base units per kWh, i.e. per whole GXT (10**6 GXT base units)."""

FeeBps = NewType("FeeBps", int)
"""A fee rate in basis points: 1 bps = 0.01 %, 10,000 bps = 100 %."""

GXT_DECIMALS: Final = 6
"""Decimals of the GXT mint: 1 GXT = 10**6 base units."""

USDC_DECIMALS: Final = 6
"""Decimals of the USDC mint: 1 USDC = 10**6 base units."""

WH_PER_KWH: Final = 1_000

GXT_BASE_UNITS_PER_KWH: Final = 10**GXT_DECIMALS
"""1 GXT = 1 kWh = 1,000,000 GXT base units; also the divisor of price x quantity."""

GXT_BASE_UNITS_PER_WH: Final = GXT_BASE_UNITS_PER_KWH // WH_PER_KWH
"""1 Wh = 1,000 GXT base units."""

USDC_BASE_UNITS_PER_USDC: Final = 10**USDC_DECIMALS

BPS_DENOMINATOR: Final = 10_000
"""Basis points in 100 %: ``fee = amount * fee_bps / BPS_DENOMINATOR``."""

MAX_FEE_BPS: Final = BPS_DENOMINATOR
"""The highest fee rate, 100 %."""

MAX_ENERGY_WH_AS_GXT: Final = U64_MAX // GXT_BASE_UNITS_PER_WH
"""The most energy whose GXT amount fits a u64: 18,446,744,073,709,551 Wh (about 18.4 TWh)."""


def checked_energy_wh(value: int, name: str = "energy_wh") -> EnergyWh:
    """Return ``value`` as EnergyWh if it is an ``int`` in 0..2**64-1, else raise."""
    return EnergyWh(checked_u64(value, name))


def checked_gxt_amount(value: int, name: str = "gxt_amount") -> GxtAmount:
    """Return ``value`` as GxtAmount (base units) if it is an ``int`` in 0..2**64-1, else raise."""
    return GxtAmount(checked_u64(value, name))


def checked_usdc_amount(value: int, name: str = "usdc_amount") -> UsdcAmount:
    """Return ``value`` as UsdcAmount (base units) if it is an ``int`` in 0..2**64-1, else raise."""
    return UsdcAmount(checked_u64(value, name))


def checked_price_per_kwh(value: int, name: str = "price_per_kwh") -> PricePerKwh:
    """Return ``value`` as PricePerKwh if it is an ``int`` in 0..2**64-1, else raise.

    A price of 0 is a valid number here; whether a market accepts it is the market's rule.
    """
    return PricePerKwh(checked_u64(value, name))


def checked_fee_bps(value: int, name: str = "fee_bps") -> FeeBps:
    """Return ``value`` as FeeBps if it is an ``int`` in 0..10,000, else raise InvalidFeeError."""
    require_int(value, name)
    if not 0 <= value <= MAX_FEE_BPS:
        raise InvalidFeeError(
            f"{name}={value} is outside 0..{MAX_FEE_BPS} basis points (0 % to 100 %)", value
        )
    return FeeBps(value)


def wh_to_gxt(energy_wh: int) -> GxtAmount:
    """Convert watt-hours to GXT base units exactly: ``energy_wh * 1_000``.

    Raises U64OverflowError if ``energy_wh`` is negative or the result does not fit a u64
    (above :data:`MAX_ENERGY_WH_AS_GXT` Wh), which is what the mint program would reject.
    """
    checked_energy_wh(energy_wh)
    return GxtAmount(checked_mul_u64(energy_wh, GXT_BASE_UNITS_PER_WH))


def gxt_to_wh(gxt_amount: int) -> EnergyWh:
    """Convert GXT base units to watt-hours exactly; refuse amounts that are not whole Wh.

    Raises FractionalWhError unless ``gxt_amount`` is a multiple of 1,000. Refusing rather than
    flooring is deliberate: GXT is minted from whole-Wh meter readings, so a fractional amount
    where whole energy is expected means a bug upstream, and flooring would silently drop up to
    999 base units from the energy accounting. Trades may leave sub-Wh amounts; a caller that
    wants whole Wh plus the rest says so with :func:`gxt_to_wh_floor`.
    """
    checked_gxt_amount(gxt_amount)
    energy_wh, remainder = divmod(gxt_amount, GXT_BASE_UNITS_PER_WH)
    if remainder:
        raise FractionalWhError(
            f"gxt_amount={gxt_amount} base units is not a whole number of Wh: it is "
            f"{energy_wh} Wh and {remainder} base units (1 Wh = {GXT_BASE_UNITS_PER_WH} base "
            "units); use gxt_to_wh_floor to split off the remainder",
            gxt_amount,
        )
    return EnergyWh(energy_wh)


def gxt_to_wh_floor(gxt_amount: int) -> tuple[EnergyWh, GxtAmount]:
    """Split GXT base units into whole watt-hours and the remaining base units (0..999).

    Nothing is lost: ``wh_to_gxt(energy_wh) + remainder == gxt_amount``.
    """
    checked_gxt_amount(gxt_amount)
    energy_wh, remainder = divmod(gxt_amount, GXT_BASE_UNITS_PER_WH)
    return EnergyWh(energy_wh), GxtAmount(remainder)
