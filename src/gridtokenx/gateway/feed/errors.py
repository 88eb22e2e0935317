"""Errors of the market-data feed and its channels."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError
from gridtokenx.gateway.errors import NotFoundError, UnavailableError


class MarketDataError(GridTokenXError):
    """The market-data feed or a channel was misused."""


class ChannelNameError(MarketDataError):
    """A channel name is not ``book:<market>``, ``trades:<market>``, ``stats:<market>``,
    ``candles:<market>:<interval>``, ``grid``, ``user`` or ``meter:<meter id>``."""


class FeedUnavailableError(MarketDataError):
    """Kafka or Redis did not answer the feed (it retries)."""


class MarketNotFoundError(NotFoundError):
    """No market of that address has published data (book deltas or trades)."""

    code = "market_not_found"


class MarketDataUnavailableError(UnavailableError):
    """The worker has not loaded the market data from Redis yet (or Redis is away)."""

    code = "market_data_unavailable"
