"""The publisher's price sources: the deterministic static walk and Hermes' answer format."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.oracle.errors import OracleConfigError, PriceSourceError
from gridtokenx.oracle.feeds import USD_THB_FEED_ID, USDC_USD_FEED_ID
from gridtokenx.oracle.sources import (
    WALK_PERIOD_S,
    HermesSource,
    StaticSource,
    parse_decimal_price,
    parse_hermes,
    walk_offset,
)
from gridtokenx.oracle.valuation import Price
from tests.utils.ports import free_port

THB = bytes.fromhex(USD_THB_FEED_ID)
USDC = bytes.fromhex(USDC_USD_FEED_ID)


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("33.50", Price(3_350_000_000, -8)),
        ("1", Price(100_000_000, -8)),
        ("0.00000001", Price(1, -8)),
    ],
)
def test_decimal_prices_parse_exactly(text: str, price: Price) -> None:
    assert parse_decimal_price(text) == price


@pytest.mark.parametrize("text", ["abc", "0", "-1", "0.000000001"])
def test_unusable_static_prices_are_configuration_errors(text: str) -> None:
    with pytest.raises(OracleConfigError):
        parse_decimal_price(text)


def test_the_walk_is_a_triangle_of_the_configured_amplitude() -> None:
    quarter = WALK_PERIOD_S // 4
    mantissa = 3_350_000_000
    amplitude = mantissa * 20 // 10_000
    assert [walk_offset(mantissa, 20, t) for t in (0, quarter, 2 * quarter, 3 * quarter)] == [
        0,
        amplitude,
        0,
        -amplitude,
    ]


@given(now=st.integers(0, 2**40), bps=st.integers(0, 1000), mantissa=st.integers(1, 10**12))
def test_the_walk_stays_within_its_amplitude(now: int, bps: int, mantissa: int) -> None:
    assert abs(walk_offset(mantissa, bps, now)) <= mantissa * bps // 10_000 + 1


def test_the_static_source_is_deterministic_and_overridable() -> None:
    source = StaticSource.from_settings({"0x" + USD_THB_FEED_ID: "35.00"}, walk_bps=0)
    first = asyncio.run(source.latest([THB, USDC], 1_800_000_000))
    assert first == asyncio.run(source.latest([THB, USDC], 1_800_000_000))
    assert first[THB].price == 3_500_000_000
    assert first[THB].exponent == -8
    assert first[THB].publish_time == 1_800_000_000
    assert first[THB].conf == 350_000  # 1 bp
    assert first[USDC].price == 100_000_000


def test_the_static_source_without_any_feed_is_a_source_error() -> None:
    with pytest.raises(PriceSourceError):
        asyncio.run(StaticSource({}, 0).latest([THB], 1))


HERMES_ANSWER = {
    "binary": {"encoding": "hex", "data": ["504e4155"]},
    "parsed": [
        {
            "id": USD_THB_FEED_ID,
            "price": {
                "price": "3361250000",
                "conf": "1500000",
                "expo": -8,
                "publish_time": 1717632000,
            },
            "ema_price": {
                "price": "3360000000",
                "conf": "1400000",
                "expo": -8,
                "publish_time": 1717632000,
            },
            "metadata": {
                "slot": 85480034,
                "proof_available_time": 1717632001,
                "prev_publish_time": 1717631999,
            },
        }
    ],
}


def test_hermes_answers_parse_into_source_prices() -> None:
    parsed = parse_hermes(HERMES_ANSWER)[THB]
    assert (parsed.price, parsed.conf, parsed.exponent) == (3_361_250_000, 1_500_000, -8)
    assert (parsed.publish_time, parsed.prev_publish_time) == (1_717_632_000, 1_717_631_999)
    assert (parsed.ema_price, parsed.ema_conf) == (3_360_000_000, 1_400_000)


@pytest.mark.parametrize("document", [None, {}, {"parsed": [{"id": "zz"}]}, {"parsed": "x"}])
def test_malformed_hermes_answers_are_source_errors(document: object) -> None:
    with pytest.raises(PriceSourceError):
        parse_hermes(document)


def test_an_unreachable_hermes_is_a_source_error() -> None:
    source = HermesSource(f"http://127.0.0.1:{free_port()}", timeout_s=1.0)
    with pytest.raises(PriceSourceError, match="not reachable"):
        asyncio.run(source.latest([THB], 1))
