"""Channel names of ``/v1/ws``: the public market channels ``book:<market>``,
``trades:<market>``, ``candles:<market>:<interval>`` and ``stats:<market>``; the public ``grid``
(per-zone flows); the private ``user`` (the signed-in account's events) and ``meter:<id>`` (one
meter's readings, for its owner and operators).

One registry (:data:`CHANNEL_KINDS`) says which kinds exist and how their names are formed, so
the WebSocket and the feed parse names in one place; :data:`PRIVATE_KINDS` are those that need
an access token (the access rule itself is in :mod:`~.private`).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Final

from gridtokenx.gateway.feed.errors import ChannelNameError

CANDLE_INTERVALS_MS: Final[dict[str, int]] = {
    "1m": 60_000,
    "5m": 5 * 60_000,
    "15m": 15 * 60_000,
    "1h": 60 * 60_000,
    "1d": 24 * 60 * 60_000,
}
"""Every candle interval by name, in milliseconds (candles open at multiples since the epoch)."""

_BASE58: Final = frozenset("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
_MAX_NAME: Final = 100


class ChannelKind(enum.StrEnum):
    BOOK = "book"
    TRADES = "trades"
    CANDLES = "candles"
    STATS = "stats"
    GRID = "grid"
    USER = "user"
    METER = "meter"


CHANNEL_KINDS: Final[frozenset[ChannelKind]] = frozenset(ChannelKind)
"""The kinds a client may subscribe to."""
MARKET_KINDS: Final = frozenset(
    {ChannelKind.BOOK, ChannelKind.TRADES, ChannelKind.CANDLES, ChannelKind.STATS}
)
"""The kinds named after a market (``market`` is its address)."""
PRIVATE_KINDS: Final = frozenset({ChannelKind.USER, ChannelKind.METER})
"""The kinds that need an access token (``{"op": "auth"}``) first."""


def is_market_address(text: str) -> bool:
    """A base58 string of a Solana address's length (32 to 44 characters)."""
    return 32 <= len(text) <= 44 and set(text) <= _BASE58


@dataclass(frozen=True, slots=True)
class Channel:
    kind: ChannelKind
    market: str
    """The market address of a market kind, the meter id (canonical UUID text) of ``meter``,
    and ``""`` for ``grid`` and ``user``."""
    interval: str | None = None
    """The candle interval (``"1m"`` ...); ``None`` for every other kind."""

    @property
    def is_market(self) -> bool:
        return self.kind in MARKET_KINDS

    @property
    def name(self) -> str:
        if not self.market:
            return self.kind.value
        if self.interval is None:
            return f"{self.kind.value}:{self.market}"
        return f"{self.kind.value}:{self.market}:{self.interval}"

    @classmethod
    def parse(cls, name: str) -> Channel:
        """The channel ``name`` denotes; raises ChannelNameError saying what is wrong."""
        if not isinstance(name, str) or len(name) > _MAX_NAME:
            raise ChannelNameError(f"a channel name is a string of at most {_MAX_NAME} characters")
        kind_text, _, rest = name.partition(":")
        try:
            kind = ChannelKind(kind_text)
        except ValueError:
            kinds = ", ".join(sorted(kind.value for kind in CHANNEL_KINDS))
            raise ChannelNameError(
                f"unknown channel kind {kind_text!r:.20} in {name!r:.100}; known: {kinds}"
            ) from None
        if kind in (ChannelKind.GRID, ChannelKind.USER):
            if rest or ":" in name:
                raise ChannelNameError(f"{name!r:.100}: the {kind.value} channel has no parts")
            return cls(kind, "")
        if kind is ChannelKind.METER:
            try:
                return cls(kind, str(uuid.UUID(rest)))
            except ValueError:
                raise ChannelNameError(
                    f"{name!r:.100}: a meter channel is meter:<meter id (UUID)>"
                ) from None
        market, _, interval = rest.partition(":")
        if not is_market_address(market):
            raise ChannelNameError(f"{name!r:.100}: {market!r:.50} is not a market address")
        if kind is ChannelKind.CANDLES:
            if interval not in CANDLE_INTERVALS_MS:
                raise ChannelNameError(
                    f"{name!r:.100}: the candle interval must be one of "
                    f"{', '.join(CANDLE_INTERVALS_MS)}"
                )
            return cls(kind, market, interval)
        if interval:
            raise ChannelNameError(f"{name!r:.100}: a {kind.value} channel has no third part")
        return cls(kind, market)

    @classmethod
    def of_market(cls, market: str) -> list[Channel]:
        """Every channel of one market."""
        return [
            cls(ChannelKind.BOOK, market),
            cls(ChannelKind.TRADES, market),
            cls(ChannelKind.STATS, market),
            *(cls(ChannelKind.CANDLES, market, interval) for interval in CANDLE_INTERVALS_MS),
        ]
