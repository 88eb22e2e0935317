"""Which per-user events, notifications and e-mails one platform change makes; pure, no I/O.

A :class:`Change` is one row of ``notification_changes`` (written by the triggers of migration
``0012_notifications``): the row of ``chain_orders``, ``settlement_trades`` or
``mint_submissions`` as it was written, and for an update the fields it had before. ``decide``
maps it, with the owners of the wallets involved and their preferences, to one
:class:`Delivery` per party that is a user:

* an order change → an ``order`` event; an ``order_filled`` notification when the change
  completes the order (``filled`` reaches ``quantity`` and was below it, or the order is first
  seen already complete);
* a new trade → a ``fill`` event per party (buyer and seller each get their own side);
* a trade settled → a ``settlement`` event and a ``trade_settled`` notification per party; a
  trade the chain rejected → a ``settlement`` event only;
* a confirmed mint of at least 1 Wh → a ``mint`` event and a ``tokens_minted`` notification.

A party whose wallet is linked to no account gets nothing. Whether a notification is stored in
the app and mailed follows :func:`~gridtokenx.notifications.events.channel_enabled`; e-mail needs
a verified address. Each delivery has a ``source_key`` unique per change and party, which makes
writing it idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gridtokenx.core.money import format_gxt, format_price_per_kwh, format_usdc, payment_for_fill
from gridtokenx.core.units import wh_to_gxt
from gridtokenx.notifications.events import (
    EventKind,
    NotificationKind,
    Preferences,
    channel_enabled,
)

Source = Literal["order", "trade", "mint"]
Side = Literal["buy", "sell"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One change of a source row, as the trigger recorded it."""

    change_id: int
    source: Source
    previous: Mapping[str, Any] | None
    """For an update: ``status`` (and for orders ``filled``) before it; None for an insert."""
    current: Mapping[str, Any]
    """The row after the change (``to_jsonb(NEW)``; mints also carry ``owner``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipient:
    """A user a change may concern: their verified e-mail address and stored preferences."""

    user_id: uuid.UUID
    verified_email: str | None = None
    preferences: Preferences = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationDraft:
    kind: NotificationKind
    title: str
    body: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Email:
    to: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """What one change means for one user."""

    user_id: uuid.UUID
    source_key: str
    event_kind: EventKind
    event_data: Mapping[str, Any]
    """The event's ``data`` (``notification_id`` is added once the notification is stored)."""
    notification: NotificationDraft | None
    """The in-app notification to store, if the kind warrants one and the user wants it."""
    email: Email | None


def decide(
    change: Change,
    owners: Mapping[str, uuid.UUID],
    recipients: Mapping[uuid.UUID, Recipient],
    *,
    app_url: str,
) -> list[Delivery]:
    """The deliveries of ``change``; ``owners`` maps linked wallets to their accounts and
    ``recipients`` holds every such account (a missing one counts as default preferences and
    no verified address)."""
    row = change.current
    if change.source == "order":
        parties: list[tuple[str, Side | None]] = [(row["owner"], None)]
    elif change.source == "trade":
        parties = [(row["buyer"], "buy"), (row["seller"], "sell")]
    else:
        parties = [(row["owner"], None)]
    deliveries = []
    for wallet, side in parties:
        user_id = owners.get(wallet)
        if user_id is None:
            continue
        recipient = recipients.get(user_id, Recipient(user_id=user_id))
        delivery = _deliver(change, recipient, side, app_url)
        if delivery is not None:
            deliveries.append(delivery)
    return deliveries


def _deliver(
    change: Change, recipient: Recipient, side: Side | None, app_url: str
) -> Delivery | None:
    key = f"change:{change.change_id}:{side or change.source}"
    if change.source == "order":
        kind, data, draft = _order(change)
    elif change.source == "trade":
        assert side is not None
        found = _trade(change, side)
        if found is None:
            return None
        kind, data, draft = found
    else:
        found_mint = _mint(change)
        if found_mint is None:
            return None
        kind, data, draft = found_mint
    notification = email = None
    if draft is not None:
        preferences = recipient.preferences
        if channel_enabled(preferences, draft.kind, "in_app"):
            notification = draft
        address = recipient.verified_email
        if address is not None and channel_enabled(preferences, draft.kind, "email"):
            email = Email(
                to=address,
                subject=f"GridTokenX: {draft.title}",
                body=email_body(draft.body, app_url),
            )
    return Delivery(
        user_id=recipient.user_id,
        source_key=key,
        event_kind=kind,
        event_data=data,
        notification=notification,
        email=email,
    )


def email_body(text: str, app_url: str) -> str:
    """A notification's e-mail text: its body, where to see more and how to stop such mail."""
    return (
        f"{text}\n\nSee your account: {app_url}\n\n"
        "You get this e-mail because your notification preferences allow it; change them in "
        "the app's settings.\n"
    )


_Decided = tuple[EventKind, dict[str, Any], NotificationDraft | None]


def _order(change: Change) -> _Decided:
    row = change.current
    quantity = int(row["quantity"])
    filled = int(row["filled"])
    data: dict[str, Any] = {
        "order": row["order_account"],
        "market": row["market"],
        "order_id": int(row["order_id"]),
        "side": row["side"],
        "price": int(row["price"]),
        "quantity": quantity,
        "filled": filled,
        "status": row["status"],
        "signature": row.get("updated_signature") or row.get("placed_signature"),
        "slot": row.get("updated_slot"),
    }
    before = change.previous
    was_complete = before is not None and int(before["filled"]) >= quantity
    restarted = before is not None and before["status"] in ("cancelled", "closed")
    completed = filled >= quantity and (not was_complete or restarted)
    if not completed or row["status"] == "cancelled":
        return "order", data, None
    verb = "buy" if row["side"] == "buy" else "sell"
    draft = NotificationDraft(
        kind="order_filled",
        title="Order filled",
        body=(
            f"Your {verb} order #{data['order_id']} for {format_gxt(quantity)} kWh at "
            f"{format_price_per_kwh(data['price'])} USDC/kWh on market {data['market']} is "
            "completely filled."
        ),
        data=data,
    )
    return "order", data, draft


def _trade(change: Change, side: Side) -> _Decided | None:
    row = change.current
    price = int(row["price"])
    quantity = int(row["quantity"])
    status = row["status"]
    data: dict[str, Any] = {
        "market": row["market"],
        "trade_id": int(row["trade_id"]),
        "side": side,
        "order": row["buy_order"] if side == "buy" else row["sell_order"],
        "price": price,
        "quantity": quantity,
    }
    if change.previous is None:
        data["timestamp_ms"] = int(row["trade_timestamp_ms"])
        data["status"] = status
        return "fill", data, None
    if status not in ("settled", "rejected"):
        return None
    data.update(
        status=status,
        signature=row.get("settled_signature"),
        slot=row.get("settled_slot"),
        reason=row.get("reason"),
    )
    if status == "rejected":
        return "settlement", data, None
    verb = "bought" if side == "buy" else "sold"
    notional = payment_for_fill(price, quantity)
    draft = NotificationDraft(
        kind="trade_settled",
        title="Trade settled",
        body=(
            f"You {verb} {format_gxt(quantity)} kWh at {format_price_per_kwh(price)} USDC/kWh "
            f"({format_usdc(notional)} USDC before fees) on market {data['market']}, trade "
            f"#{data['trade_id']}; settled on chain in transaction {data['signature']}."
        ),
        data={**data, "notional": notional},
    )
    return "settlement", data, draft


def _mint(change: Change) -> _Decided | None:
    row = change.current
    minted_wh = row.get("minted_wh")
    if row.get("status") != "confirmed" or not minted_wh or int(minted_wh) <= 0:
        return None
    gxt = wh_to_gxt(int(minted_wh))
    data: dict[str, Any] = {
        "meter_id": str(row["meter_id"]),
        "minted_wh": int(minted_wh),
        "gxt": gxt,
        "signature": row.get("tx_signature"),
        "timestamp_ms": int(row["timestamp_ms"]),
    }
    draft = NotificationDraft(
        kind="tokens_minted",
        title="GXT minted",
        body=(
            f"{format_gxt(gxt)} GXT were minted for meter {data['meter_id']} from the energy it "
            f"exported (transaction {data['signature']})."
        ),
        data=data,
    )
    return "mint", data, draft
