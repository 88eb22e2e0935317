"""The pure decisions: which events, notifications and e-mails a change makes, for whom."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core.money import format_gxt, format_price_per_kwh
from gridtokenx.notifications.core import Change, Recipient, decide
from gridtokenx.notifications.events import NOTIFICATION_KINDS, channel_enabled

APP_URL = "http://127.0.0.1:3000"
U64 = 2**64 - 1
wallets = st.text(
    alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", min_size=32, max_size=44
)
prices = st.integers(min_value=1, max_value=10**9)
quantities = st.integers(min_value=1, max_value=10**12)
preference_maps = st.dictionaries(
    st.tuples(st.sampled_from(NOTIFICATION_KINDS), st.sampled_from(("in_app", "email"))),
    st.booleans(),
)


def trade_row(buyer: str, seller: str, price: int, quantity: int, status: str) -> dict[str, Any]:
    return {
        "market": "GXT-USDC",
        "trade_id": 7,
        "buy_order": "BuyOrder1111111111111111111111111111",
        "sell_order": "SellOrder111111111111111111111111111",
        "buyer": buyer,
        "seller": seller,
        "price": price,
        "quantity": quantity,
        "trade_timestamp_ms": 1_700_000_000_000,
        "status": status,
        "settled_signature": "5igSig" if status == "settled" else None,
        "settled_slot": 99 if status == "settled" else None,
        "reason": "OrderExpired" if status == "rejected" else None,
    }


@given(
    buyer=wallets,
    seller=wallets,
    price=prices,
    quantity=quantities,
    buyer_preferences=preference_maps,
    seller_preferences=preference_maps,
    buyer_verified=st.booleans(),
)
def test_a_settled_trade_gives_each_linked_party_its_own_settlement(
    buyer: str,
    seller: str,
    price: int,
    quantity: int,
    buyer_preferences: dict[tuple[str, str], bool],
    seller_preferences: dict[tuple[str, str], bool],
    buyer_verified: bool,
) -> None:
    buyer_id, seller_id = uuid.uuid4(), uuid.uuid4()
    owners = {buyer: buyer_id, seller: seller_id} if buyer != seller else {buyer: buyer_id}
    recipients = {
        buyer_id: Recipient(
            user_id=buyer_id,
            verified_email="buyer@example.org" if buyer_verified else None,
            preferences=buyer_preferences,
        ),
        seller_id: Recipient(user_id=seller_id, preferences=seller_preferences),
    }
    change = Change(
        change_id=41,
        source="trade",
        previous={"status": "submitted"},
        current=trade_row(buyer, seller, price, quantity, "settled"),
    )
    deliveries = decide(change, owners, recipients, app_url=APP_URL)

    assert [d.event_data["side"] for d in deliveries] == ["buy", "sell"]
    assert len({d.source_key for d in deliveries}) == 2
    for delivery in deliveries:
        recipient = recipients[delivery.user_id]
        assert delivery.event_kind == "settlement"
        assert delivery.event_data["signature"] == "5igSig"
        wants_app = channel_enabled(recipient.preferences, "trade_settled", "in_app")
        assert (delivery.notification is not None) == wants_app
        if delivery.notification is not None:
            assert format_gxt(quantity) in delivery.notification.body
            assert format_price_per_kwh(price) in delivery.notification.body
        wants_mail = channel_enabled(recipient.preferences, "trade_settled", "email")
        expect_mail = recipient.verified_email is not None and wants_mail
        assert (delivery.email is not None) == expect_mail
        if delivery.email is not None:
            assert delivery.email.to == recipient.verified_email


@given(buyer=wallets, seller=wallets, status=st.sampled_from(("pending", "settled", "rejected")))
def test_wallets_without_an_account_get_nothing(buyer: str, seller: str, status: str) -> None:
    previous = None if status == "pending" else {"status": "submitted"}
    change = Change(
        change_id=1,
        source="trade",
        previous=previous,
        current=trade_row(buyer, seller, 1, 1, status),
    )
    assert decide(change, {}, {}, app_url=APP_URL) == []


@given(price=prices, quantity=quantities)
def test_a_new_trade_is_a_fill_and_a_rejected_one_a_settlement_without_notification(
    price: int, quantity: int
) -> None:
    user = uuid.uuid4()
    owners = {"B" * 32: user}
    new = Change(
        change_id=1,
        source="trade",
        previous=None,
        current=trade_row("B" * 32, "S" * 32, price, quantity, "pending"),
    )
    [fill] = decide(new, owners, {}, app_url=APP_URL)
    assert (fill.event_kind, fill.notification, fill.email) == ("fill", None, None)
    assert fill.event_data["timestamp_ms"] == 1_700_000_000_000
    rejected = Change(
        change_id=2,
        source="trade",
        previous={"status": "submitted"},
        current=trade_row("B" * 32, "S" * 32, price, quantity, "rejected"),
    )
    [settlement] = decide(rejected, owners, {}, app_url=APP_URL)
    assert settlement.event_kind == "settlement"
    assert settlement.event_data["reason"] == "OrderExpired"
    assert settlement.notification is None


def order_row(filled: int, quantity: int, status: str) -> dict[str, Any]:
    return {
        "order_account": "Order11111111111111111111111111111",
        "market": "GXT-USDC",
        "owner": "O" * 32,
        "order_id": 5,
        "side": "sell",
        "price": 120_000,
        "quantity": quantity,
        "filled": filled,
        "status": status,
        "placed_signature": "placeSig",
        "updated_signature": "settleSig",
        "updated_slot": 10,
    }


@given(
    quantity=st.integers(min_value=1, max_value=10**12),
    before=st.integers(min_value=0, max_value=10**12),
    after=st.integers(min_value=0, max_value=10**12),
)
def test_order_filled_is_notified_once_when_filled_reaches_quantity(
    quantity: int, before: int, after: int
) -> None:
    before, after = min(before, quantity), min(after, quantity)
    user = uuid.uuid4()
    status = "filled" if after == quantity else "open"
    change = Change(
        change_id=3,
        source="order",
        previous={"status": "open", "filled": before},
        current=order_row(after, quantity, status),
    )
    [delivery] = decide(change, {"O" * 32: user}, {}, app_url=APP_URL)
    assert delivery.event_kind == "order"
    assert delivery.event_data["filled"] == after
    completed = after == quantity and before < quantity
    assert (delivery.notification is not None) == completed
    if completed:
        assert delivery.notification is not None
        assert delivery.notification.kind == "order_filled"


@given(minted_wh=st.integers(min_value=0, max_value=10**9))
def test_a_confirmed_mint_notifies_only_when_tokens_were_minted(minted_wh: int) -> None:
    user = uuid.uuid4()
    change = Change(
        change_id=4,
        source="mint",
        previous=None,
        current={
            "meter_id": str(uuid.UUID(int=1)),
            "owner": "M" * 32,
            "status": "confirmed",
            "minted_wh": minted_wh,
            "tx_signature": "mintSig",
            "timestamp_ms": 1_700_000_000_000,
        },
    )
    deliveries = decide(change, {"M" * 32: user}, {}, app_url=APP_URL)
    if minted_wh == 0:
        assert deliveries == []
        return
    [delivery] = deliveries
    assert delivery.event_data["gxt"] == minted_wh * 1000
    assert delivery.notification is not None
    assert delivery.notification.kind == "tokens_minted"
    # tokens_minted is not mailed by default, even to a verified address.
    recipient = Recipient(user_id=user, verified_email="owner@example.org")
    [mailed] = decide(change, {"M" * 32: user}, {user: recipient}, app_url=APP_URL)
    assert mailed.email is None
