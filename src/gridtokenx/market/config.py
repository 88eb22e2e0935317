"""The configuration of one market: its trading mode, market-order band and auction interval."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from gridtokenx.core.u64 import U64_MAX
from gridtokenx.market.errors import MarketConfigError

DEFAULT_AUCTION_INTERVAL_MS: Final = 15 * 60 * 1_000
"""15 minutes: the delivery interval of most P2P energy markets and of smart-meter settlement."""


class MarketMode(enum.StrEnum):
    """How a market matches orders."""

    CONTINUOUS = "continuous"
    """Continuous double auction: every order is matched on arrival (price-time priority)."""

    AUCTION = "auction"
    """Periodic uniform-price auction: orders collect and clear at each interval boundary."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketConfig:
    """The rules of one market.

    Attributes:
        market_order_band_per_kwh: how far (USDC base units per kWh) a market order may trade
            from the best opposite price it finds on arrival; its unfilled rest is cancelled.
            0 means a market order only takes the best price level.
        mode: continuous matching or periodic auctions.
        auction_interval_ms: the auction clears at every multiple of this many milliseconds
            since the unix epoch (used only in ``MarketMode.AUCTION``).
    """

    market_order_band_per_kwh: int
    mode: MarketMode = MarketMode.CONTINUOUS
    auction_interval_ms: int = DEFAULT_AUCTION_INTERVAL_MS

    def __post_init__(self) -> None:
        if not isinstance(self.mode, MarketMode):
            raise MarketConfigError(f"mode must be a MarketMode, got {self.mode!r}")
        for name, value, low in (
            ("market_order_band_per_kwh", self.market_order_band_per_kwh, 0),
            ("auction_interval_ms", self.auction_interval_ms, 1),
        ):
            if type(value) is not int or not low <= value <= U64_MAX:
                raise MarketConfigError(f"{name} must be an int in {low}..2**64-1, got {value!r}")
