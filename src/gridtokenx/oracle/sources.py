"""Where the local publisher gets its prices: configured ones (``static``) or Pyth Hermes.

``static``: each feed's configured price (built-in references unless
``GRIDTOKENX_ORACLE__STATIC_PRICES`` names one) moved by a deterministic triangle wave of
``static_walk_bps`` amplitude and a 10-minute period, so a demo sees prices move while any two
runs at the same second publish the same numbers; conf is 1 bp of the price, the EMA equals the
price, publish_time is the given clock second.

``hermes``: ``GET {hermes_url}/v2/updates/price/latest?ids[]=…&parsed=true`` and the ``parsed``
prices as Pyth published them. An unreachable or malformed answer is a PriceSourceError: the
publisher then publishes nothing that cycle, so readers see the prices age and flag them stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

import httpx

from gridtokenx.oracle.errors import OracleConfigError, PriceSourceError
from gridtokenx.oracle.feeds import EUR_USD_FEED_ID, USD_THB_FEED_ID, USDC_USD_FEED_ID
from gridtokenx.oracle.valuation import Price

WALK_PERIOD_S = 600
STATIC_EXPONENT = -8
BUILTIN_STATIC_PRICES: dict[str, str] = {
    USDC_USD_FEED_ID: "1.0000",
    USD_THB_FEED_ID: "33.50",
    EUR_USD_FEED_ID: "1.08",
}
"""Round reference values for the demo, not market data."""


@dataclass(frozen=True)
class SourcePrice:
    price: int
    conf: int
    exponent: int
    publish_time: int
    prev_publish_time: int
    ema_price: int
    ema_conf: int


class PriceSource(Protocol):
    name: str

    async def latest(self, feed_ids: Sequence[bytes], now_s: int) -> dict[bytes, SourcePrice]:
        """The newest price of each feed it has; raises PriceSourceError if it has none."""
        ...


def parse_decimal_price(text: str, exponent: int = STATIC_EXPONENT) -> Price:
    """``"33.50"`` → ``Price(3_350_000_000, -8)``; more decimals than the exponent allows or a
    value ≤ 0 are configuration errors."""
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise OracleConfigError(f"static price {text!r} is not a decimal number") from exc
    scaled = value.scaleb(-exponent)
    if value <= 0 or scaled != scaled.to_integral_value():
        raise OracleConfigError(
            f"static price {text!r} must be above zero with at most {-exponent} decimals"
        )
    return Price(int(scaled), exponent)


def walk_offset(mantissa: int, walk_bps: int, now_s: int) -> int:
    """A triangle wave: 0 at the period's start, +amplitude at a quarter, -amplitude at three
    quarters, in integers (amplitude = mantissa * walk_bps / 10 000)."""
    quarter = WALK_PERIOD_S // 4
    phase = now_s % WALK_PERIOD_S
    if phase <= quarter:
        wave = phase
    elif phase <= 3 * quarter:
        wave = 2 * quarter - phase
    else:
        wave = phase - 4 * quarter
    return mantissa * walk_bps * wave // (10_000 * quarter)


class StaticSource:
    name = "static"

    def __init__(self, prices: Mapping[bytes, Price], walk_bps: int) -> None:
        self.prices = dict(prices)
        self.walk_bps = walk_bps

    @classmethod
    def from_settings(cls, configured: Mapping[str, str], walk_bps: int) -> StaticSource:
        texts = {
            **BUILTIN_STATIC_PRICES,
            **{k.removeprefix("0x").lower(): v for k, v in configured.items()},
        }
        return cls({bytes.fromhex(k): parse_decimal_price(v) for k, v in texts.items()}, walk_bps)

    async def latest(self, feed_ids: Sequence[bytes], now_s: int) -> dict[bytes, SourcePrice]:
        found = {}
        for feed_id in feed_ids:
            base = self.prices.get(feed_id)
            if base is None:
                continue
            price = base.mantissa + walk_offset(base.mantissa, self.walk_bps, now_s)
            conf = max(1, price // 10_000)
            found[feed_id] = SourcePrice(price, conf, base.exponent, now_s, now_s - 1, price, conf)
        if not found:
            raise PriceSourceError(
                "the static source has no price for any feed; set GRIDTOKENX_ORACLE__STATIC_PRICES"
            )
        return found


def parse_hermes(document: object) -> dict[bytes, SourcePrice]:
    """The ``parsed`` entries of a Hermes ``/v2/updates/price/latest`` answer."""
    try:
        assert isinstance(document, dict)
        parsed = document["parsed"]
        assert isinstance(parsed, list)
        found = {}
        for entry in parsed:
            price, ema = entry["price"], entry["ema_price"]
            publish_time = int(price["publish_time"])
            prev = int(entry.get("metadata", {}).get("prev_publish_time", publish_time - 1))
            found[bytes.fromhex(str(entry["id"]).removeprefix("0x"))] = SourcePrice(
                price=int(price["price"]),
                conf=int(price["conf"]),
                exponent=int(price["expo"]),
                publish_time=publish_time,
                prev_publish_time=prev,
                ema_price=int(ema["price"]),
                ema_conf=int(ema["conf"]),
            )
        return found
    except (AssertionError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PriceSourceError(
            f"Hermes answered something that is not a price update: {exc!r}"
        ) from exc


class HermesSource:
    name = "hermes"

    def __init__(self, url: str, timeout_s: float) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s

    async def latest(self, feed_ids: Sequence[bytes], now_s: int) -> dict[bytes, SourcePrice]:
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("ids[]", feed_id.hex()) for feed_id in feed_ids
        ]
        params.append(("parsed", "true"))
        endpoint = f"{self.url}/v2/updates/price/latest"
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as http:
                response = await http.get(endpoint, params=params)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PriceSourceError(
                f"Pyth Hermes at {endpoint} is not reachable or failed ({exc!r}); the local "
                "prices age until it answers (or set GRIDTOKENX_ORACLE__SOURCE=static)"
            ) from exc
        found = {k: v for k, v in parse_hermes(document).items() if k in set(feed_ids)}
        if not found:
            raise PriceSourceError(f"Hermes at {endpoint} answered none of the requested feeds")
        return found
