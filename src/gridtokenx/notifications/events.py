"""The per-user event contract and the notification kinds (names only, no I/O).

Per-user events go to the Redis pub/sub channel ``gtx:user:<user uuid>`` as JSON
``{"sequence": n, "kind": kind, "data": {...}}``. ``n`` is the value of ``INCR
gtx:user-seq:<user uuid>`` executed in the same MULTI as the PUBLISH (WATCH on the counter makes
the published ``n`` the counter's new value), so a user's events are numbered 1, 2, 3, ... with no
gap; a subscriber that sees ``n`` after ``m != n - 1`` missed events and rebuilds its state from
PostgreSQL (the gateway's ``user`` WebSocket channel does this).

Amounts are integers in base units: prices in USDC base units per kWh, quantities and ``filled``
in GXT base units (10**6 per kWh), energy in Wh. ``data`` of each kind:

``order`` — an order of one of the user's wallets changed (placed, filled further, cancelled,
closed), from the indexer's ``chain_orders`` mirror:
    ``order`` (order account), ``market``, ``order_id``, ``side`` (``buy``/``sell``), ``price``,
    ``quantity``, ``filled``, ``status`` (``open``/``filled``/``cancelled``/``closed``),
    ``signature`` (the transaction that changed it, may be null), ``slot``,
    ``notification_id`` (the ``order_filled`` notification this change created, else null).

``fill`` — the matcher matched one of the user's orders (the trade is not settled yet), from
``settlement_trades`` as the settlement service received it:
    ``market``, ``trade_id``, ``side`` (the user's side), ``order`` (the user's order account),
    ``price``, ``quantity``, ``timestamp_ms`` (the matcher's), ``status`` (``pending``).

``settlement`` — such a trade settled on chain, or the chain refused it:
    ``market``, ``trade_id``, ``side``, ``order``, ``price``, ``quantity``, ``status``
    (``settled``/``rejected``), ``signature`` (the ``settle`` transaction; null when rejected),
    ``slot``, ``reason`` (the Trading error when rejected, else null), ``notification_id``.

``mint`` — GXT was minted for one of the user's meters (``mint_submissions`` confirmed):
    ``meter_id``, ``minted_wh``, ``gxt`` (GXT base units, ``minted_wh * 1000``), ``signature``,
    ``timestamp_ms`` (the reading's), ``notification_id``.

``notification`` — a notification that is not about a market event (security events written
by the gateway): ``id``, ``kind``, ``title``, ``body``, ``created_at`` (ISO 8601), ``data``.

Notification kinds and the channels a user gets them on unless their preferences say otherwise
(:data:`DEFAULT_CHANNELS`): market kinds in the app, and by e-mail for a filled order and a
settled trade (not for every mint: a prosumer's meters mint many times a day); security kinds
in the app and by e-mail. E-mail goes only to a verified address.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Final, Literal, get_args

EventKind = Literal["order", "fill", "settlement", "mint", "notification"]
NotificationKind = Literal[
    "order_filled",
    "trade_settled",
    "tokens_minted",
    "new_sign_in",
    "refresh_token_reused",
    "meter_key_rotated",
]
Channel = Literal["in_app", "email"]

NOTIFICATION_KINDS: Final[tuple[NotificationKind, ...]] = get_args(NotificationKind)
CHANNELS: Final[tuple[Channel, ...]] = get_args(Channel)

DEFAULT_CHANNELS: Final[Mapping[NotificationKind, frozenset[Channel]]] = {
    "order_filled": frozenset({"in_app", "email"}),
    "trade_settled": frozenset({"in_app", "email"}),
    "tokens_minted": frozenset({"in_app"}),
    "new_sign_in": frozenset({"in_app", "email"}),
    "refresh_token_reused": frozenset({"in_app", "email"}),
    "meter_key_rotated": frozenset({"in_app", "email"}),
}

Preferences = Mapping[tuple[str, str], bool]
"""A user's stored choices: ``(kind, channel) → enabled``; missing pairs take the default."""


def channel_enabled(preferences: Preferences, kind: NotificationKind, channel: Channel) -> bool:
    """Whether ``kind`` goes out on ``channel`` for a user with ``preferences``."""
    stored = preferences.get((kind, channel))
    return channel in DEFAULT_CHANNELS[kind] if stored is None else stored


def user_channel(user_id: uuid.UUID) -> str:
    """The Redis pub/sub channel of one user's events."""
    return f"gtx:user:{user_id}"


def user_sequence_key(user_id: uuid.UUID) -> str:
    """The Redis counter whose value is the sequence of the user's latest event."""
    return f"gtx:user-seq:{user_id}"
