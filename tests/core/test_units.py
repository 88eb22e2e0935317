"""Units: constants, the checked constructors and the exact Wh <-> GXT conversions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core import (
    BPS_DENOMINATOR,
    GXT_BASE_UNITS_PER_KWH,
    GXT_BASE_UNITS_PER_WH,
    GXT_DECIMALS,
    MAX_ENERGY_WH_AS_GXT,
    MAX_FEE_BPS,
    U64_MAX,
    USDC_BASE_UNITS_PER_USDC,
    USDC_DECIMALS,
    WH_PER_KWH,
    FractionalWhError,
    InvalidAmountError,
    InvalidFeeError,
    U64OverflowError,
    checked_energy_wh,
    checked_fee_bps,
    checked_gxt_amount,
    checked_price_per_kwh,
    checked_usdc_amount,
    gxt_to_wh,
    gxt_to_wh_floor,
    wh_to_gxt,
)
from tests.core.strategies import not_ints, not_u64s, u64s

CHECKED_U64_CONSTRUCTORS: list[Callable[[int], int]] = [
    checked_energy_wh,
    checked_gxt_amount,
    checked_usdc_amount,
    checked_price_per_kwh,
]

energies_as_gxt = st.integers(0, MAX_ENERGY_WH_AS_GXT)


def test_constants_state_the_units() -> None:
    assert GXT_DECIMALS == USDC_DECIMALS == 6
    assert GXT_BASE_UNITS_PER_KWH == 1_000_000
    assert USDC_BASE_UNITS_PER_USDC == 1_000_000
    assert WH_PER_KWH * GXT_BASE_UNITS_PER_WH == GXT_BASE_UNITS_PER_KWH
    assert GXT_BASE_UNITS_PER_WH == 1_000
    assert BPS_DENOMINATOR == MAX_FEE_BPS == 10_000
    assert MAX_ENERGY_WH_AS_GXT == 18_446_744_073_709_551


@pytest.mark.parametrize("constructor", CHECKED_U64_CONSTRUCTORS)
@given(value=u64s)
def test_checked_constructors_accept_every_u64(
    constructor: Callable[[int], int], value: int
) -> None:
    assert constructor(value) == value


@pytest.mark.parametrize("constructor", CHECKED_U64_CONSTRUCTORS)
@given(value=not_u64s)
def test_checked_constructors_refuse_values_outside_u64(
    constructor: Callable[[int], int], value: int
) -> None:
    with pytest.raises(U64OverflowError, match=str(value)):
        constructor(value)


@pytest.mark.parametrize("constructor", CHECKED_U64_CONSTRUCTORS)
@given(value=not_ints)
def test_checked_constructors_refuse_non_ints(
    constructor: Callable[[int], int], value: object
) -> None:
    with pytest.raises(InvalidAmountError, match="must be an int"):
        constructor(value)  # type: ignore[arg-type]


def test_checked_constructors_name_the_field() -> None:
    with pytest.raises(U64OverflowError, match=r"^bid_price=-5 is negative"):
        checked_price_per_kwh(-5, "bid_price")
    with pytest.raises(U64OverflowError, match=r"^energy_wh=-1 is negative"):
        checked_energy_wh(-1)


@pytest.mark.parametrize("fee_bps", [0, 1, 25, 9_999, 10_000])
def test_fee_bps_in_range(fee_bps: int) -> None:
    assert checked_fee_bps(fee_bps) == fee_bps


@pytest.mark.parametrize("fee_bps", [-1, 10_001, U64_MAX])
def test_fee_bps_out_of_range(fee_bps: int) -> None:
    with pytest.raises(InvalidFeeError, match=rf"fee_bps={fee_bps} is outside 0\.\.10000"):
        checked_fee_bps(fee_bps)


@pytest.mark.parametrize("fee_bps", [True, 2.5, "25", None])
def test_fee_bps_must_be_an_int(fee_bps: object) -> None:
    with pytest.raises(InvalidAmountError, match="fee_bps must be an int"):
        checked_fee_bps(fee_bps)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("energy_wh", "gxt_amount"),
    [(0, 0), (1, 1_000), (1_000, 1_000_000), (12_345, 12_345_000)],
)
def test_wh_and_gxt_known_values(energy_wh: int, gxt_amount: int) -> None:
    assert wh_to_gxt(energy_wh) == gxt_amount
    assert gxt_to_wh(gxt_amount) == energy_wh


def test_wh_to_gxt_at_the_u64_boundary() -> None:
    assert wh_to_gxt(MAX_ENERGY_WH_AS_GXT) == U64_MAX - 615
    with pytest.raises(U64OverflowError, match="exceeds"):
        wh_to_gxt(MAX_ENERGY_WH_AS_GXT + 1)


@pytest.mark.parametrize("energy_wh", [-1, 1.5, True, "1"])
def test_wh_to_gxt_refuses_what_is_not_energy(energy_wh: object) -> None:
    with pytest.raises(InvalidAmountError, match="energy_wh"):
        wh_to_gxt(energy_wh)  # type: ignore[arg-type]


@pytest.mark.parametrize("gxt_amount", [1, 999, 1_001, 12_345_678, U64_MAX])
def test_gxt_to_wh_refuses_fractional_watt_hours(gxt_amount: int) -> None:
    with pytest.raises(FractionalWhError, match=f"gxt_amount={gxt_amount} .*not a whole") as caught:
        gxt_to_wh(gxt_amount)
    assert caught.value.value == gxt_amount


def test_gxt_to_wh_floor_splits_without_loss() -> None:
    assert gxt_to_wh_floor(12_345_678) == (12_345, 678)
    assert gxt_to_wh_floor(U64_MAX) == (MAX_ENERGY_WH_AS_GXT, 615)
    with pytest.raises(U64OverflowError):
        gxt_to_wh_floor(-1)


@given(energies_as_gxt)
def test_wh_gxt_round_trip(energy_wh: int) -> None:
    assert gxt_to_wh(wh_to_gxt(energy_wh)) == energy_wh


@given(u64s)
def test_gxt_floor_split_reassembles(gxt_amount: int) -> None:
    energy_wh, remainder = gxt_to_wh_floor(gxt_amount)
    assert 0 <= remainder < GXT_BASE_UNITS_PER_WH
    assert wh_to_gxt(energy_wh) + remainder == gxt_amount
    if remainder == 0:
        assert gxt_to_wh(gxt_amount) == energy_wh


@given(energies_as_gxt, energies_as_gxt)
def test_wh_to_gxt_is_strictly_monotonic(first: int, second: int) -> None:
    if first < second:
        assert wh_to_gxt(first) < wh_to_gxt(second)
