"""The notifier on real services: a scratch migrated PostgreSQL database whose source tables are
written as the settlement service, indexer and minting service write them, the shared Redis
(fresh user ids, so channels never collide), and the real mailbox process on a free port."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from redis.asyncio import Redis

from gridtokenx.config import GatewaySettings, NotifierSettings, PostgresSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.notifications.events import user_channel, user_sequence_key
from gridtokenx.notifications.service import Notifier, published_marker
from gridtokenx.notifications.store import NotifierStore
from tests.notifications.rig import (
    MARKET,
    add_user,
    insert_trade,
    new_wallet,
    run_until_caught_up,
    settle_trade,
)
from tests.utils.databases import scratch_database
from tests.utils.mailbox import RunningMailbox, running_mailbox

pytestmark = pytest.mark.integration


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def database(running_stack: Settings) -> Iterator[PostgresSettings]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres


@pytest.fixture(scope="module")
def mailbox(
    running_stack: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningMailbox]:
    with running_mailbox(running_stack, tmp_path_factory.mktemp("mailbox-state")) as running:
        yield running


def notifier_for(
    running_stack: Settings, database: PostgresSettings, mailbox: RunningMailbox, redis: Redis
) -> tuple[Notifier, NotifierStore]:
    store = NotifierStore(database.url)
    smtp = GatewaySettings(smtp_host=mailbox.host, smtp_port=mailbox.port)
    return Notifier(NotifierSettings(), smtp, store=store, redis=redis), store


@pytest.fixture
async def redis(running_stack: Settings) -> AsyncIterator[Redis]:
    client = Redis(host=running_stack.redis.host, port=running_stack.redis.port)
    try:
        yield client
    finally:
        await client.aclose()


class Listener:
    """Every message published on some users' channels, in arrival order."""

    def __init__(self, redis: Redis, users: list[uuid.UUID]) -> None:
        self._pubsub = redis.pubsub()
        self._users = users
        self.messages: dict[uuid.UUID, list[dict[str, Any]]] = {user: [] for user in users}

    async def __aenter__(self) -> Listener:
        await self._pubsub.subscribe(*(user_channel(user) for user in self._users))
        # SUBSCRIBE is only sent: wait until Redis confirmed every channel, so that nothing
        # published afterwards can be missed.
        confirmed = 0
        while confirmed < len(self._users):
            message = await self._pubsub.get_message(timeout=5.0)
            assert message is not None, "Redis did not confirm the subscriptions"
            confirmed += message["type"] == "subscribe"
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]

    async def drain(self) -> None:
        """Read what has arrived (ends at the first empty read after a short wait)."""
        while True:
            message = await self._pubsub.get_message(timeout=0.5)
            if message is None:
                return
            if message["type"] != "message":
                continue
            channel = message["channel"].decode()
            user = uuid.UUID(channel.rsplit(":", 1)[1])
            self.messages[user].append(json.loads(message["data"]))


def notification_rows(postgres: PostgresSettings, user: uuid.UUID) -> list[tuple[Any, ...]]:
    with psycopg.connect(postgres.url) as connection:
        return connection.execute(
            "SELECT kind, title, body, data FROM notifications WHERE user_id = %s ORDER BY id",
            (user,),
        ).fetchall()


@pytest.mark.anyio
async def test_a_settled_trade_notifies_each_party_once_across_restarts(
    running_stack: Settings,
    database: PostgresSettings,
    mailbox: RunningMailbox,
    redis: Redis,
) -> None:
    address = f"buyer-{uuid.uuid4().hex[:8]}@example.org"
    buyer = add_user(database, email=address)
    seller = add_user(database)
    outsider_wallet = new_wallet()
    mails_before = len(mailbox.messages())
    notifier, store = notifier_for(running_stack, database, mailbox, redis)

    async with Listener(redis, [buyer.user_id, seller.user_id]) as listener:
        insert_trade(database, 1, buyer.wallet, seller.wallet)
        insert_trade(database, 2, outsider_wallet, new_wallet())
        counts = await run_until_caught_up(notifier, database)
        assert counts.failures == []
        settle_trade(database, 1)
        settle_trade(database, 2)
        counts = await run_until_caught_up(notifier, database)
        assert counts.failures == []
        await store.close()

        # A restarted notifier (new store, new process state) finds nothing left to do.
        restarted, restarted_store = notifier_for(running_stack, database, mailbox, redis)
        again = await run_until_caught_up(restarted, database)
        assert (again.changes, again.published, again.emails_sent) == (0, 0, 0)
        await restarted_store.close()
        await listener.drain()

    for party, side in ((buyer, "buy"), (seller, "sell")):
        events = listener.messages[party.user_id]
        assert [event["kind"] for event in events] == ["fill", "settlement"]
        assert [event["sequence"] for event in events] == [1, 2]
        assert all(event["data"]["side"] == side for event in events)
        assert events[1]["data"]["signature"] == "settleSig1"
        assert int(await redis.get(user_sequence_key(party.user_id)) or 0) == 2
        [(kind, title, body, data)] = notification_rows(database, party.user_id)
        assert (kind, title) == ("trade_settled", "Trade settled")
        assert "1.500000 kWh at 0.120000 USDC/kWh" in body
        assert events[1]["data"]["notification_id"] is not None
        assert data["trade_id"] == 1

    mails = mailbox.messages()[mails_before:]
    assert [(mail["To"], mail["Subject"]) for mail in mails] == [
        (address, "GridTokenX: Trade settled")
    ]
    assert "You bought 1.500000 kWh" in mails[0].get_content()


@pytest.mark.anyio
async def test_an_event_published_before_a_crash_is_not_published_again(
    running_stack: Settings,
    database: PostgresSettings,
    mailbox: RunningMailbox,
    redis: Redis,
) -> None:
    party = add_user(database)
    counterparty = new_wallet()
    notifier, store = notifier_for(running_stack, database, mailbox, redis)
    async with Listener(redis, [party.user_id]) as listener:
        insert_trade(database, 10, counterparty, party.wallet)
        await run_until_caught_up(notifier, database)
        # The crash: Redis took the event, PostgreSQL never recorded it.
        with psycopg.connect(database.url, autocommit=True) as connection:
            (event_id,) = connection.execute(
                "INSERT INTO notifier_outbox (user_id, event_kind, event_data) "
                "VALUES (%s, 'fill', '{}') RETURNING event_id",
                (party.user_id,),
            ).fetchone() or (None,)
        await redis.set(published_marker(event_id), 1, ex=60)
        counts = await run_until_caught_up(notifier, database)
        await listener.drain()
        await store.close()
    assert counts.published == 0
    assert [event["kind"] for event in listener.messages[party.user_id]] == ["fill"]
    with psycopg.connect(database.url) as connection:
        (left,) = connection.execute(
            "SELECT count(*) FROM notifier_outbox WHERE user_id = %s", (party.user_id,)
        ).fetchone() or (0,)
    assert left == 0


@pytest.mark.anyio
async def test_order_and_mint_changes_and_the_preferences_of_their_owner(
    running_stack: Settings,
    database: PostgresSettings,
    mailbox: RunningMailbox,
    redis: Redis,
) -> None:
    address = f"owner-{uuid.uuid4().hex[:8]}@example.org"
    owner = add_user(database, email=address)
    with psycopg.connect(database.url, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO notification_preferences (user_id, kind, channel, enabled) VALUES "
            "(%s, 'order_filled', 'email', false), (%s, 'tokens_minted', 'email', true)",
            (owner.user_id, owner.user_id),
        )
        order = f"Order{uuid.uuid4().hex[:20]}"
        connection.execute(
            "INSERT INTO chain_orders (order_account, market, owner, order_id, side, price, "
            "quantity, filled, escrow, claimable_energy, claimable_quote, expiry_s, status, "
            "updated_slot) VALUES (%s, %s, %s, 1, 'sell', 120000, 2000000, 0, 2000000, 0, 0, 0, "
            "'open', 1)",
            (order, MARKET, owner.wallet),
        )
        connection.execute(
            "UPDATE chain_orders SET updated_slot = 2 WHERE order_account = %s", (order,)
        )
        connection.execute(
            "UPDATE chain_orders SET filled = 2000000, status = 'filled', updated_slot = 3 "
            "WHERE order_account = %s",
            (order,),
        )
        meter = uuid.uuid4()
        connection.execute(
            "INSERT INTO meters (meter_id, kind, device_pubkey, max_export_w, max_import_w) "
            "VALUES (%s, 1, %s, 5000, 5000)",
            (meter, b"\x01" * 32),
        )
        connection.execute(
            "INSERT INTO meter_chain_accounts (meter_id, owner_wallet, owner_token_account, "
            "chain_status) VALUES (%s, %s, 'Ata', 1)",
            (meter, owner.wallet),
        )
        connection.execute(
            "INSERT INTO mint_submissions (meter_id, export_wh, import_wh, timestamp_ms, "
            "tx_signature, blockhash, signed_transaction, status) "
            "VALUES (%s, 2500, 0, 1700000000000, 'mintSig', 'hash', '\\x00', 'pending')",
            (meter,),
        )
        connection.execute(
            "UPDATE mint_submissions SET status = 'confirmed', minted_wh = 2500 "
            "WHERE tx_signature = 'mintSig' AND meter_id = %s",
            (meter,),
        )
    mails_before = len(mailbox.messages())
    notifier, store = notifier_for(running_stack, database, mailbox, redis)
    async with Listener(redis, [owner.user_id]) as listener:
        await run_until_caught_up(notifier, database)
        await listener.drain()
        await store.close()
    events = listener.messages[owner.user_id]
    # The unchanged update (only the slot moved) is not a change.
    assert [(e["kind"], e["data"].get("status")) for e in events] == [
        ("order", "open"),
        ("order", "filled"),
        ("mint", None),
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert events[2]["data"]["gxt"] == 2_500_000
    kinds = [row[0] for row in notification_rows(database, owner.user_id)]
    assert kinds == ["order_filled", "tokens_minted"]
    mails = mailbox.messages()[mails_before:]
    assert [(mail["To"], mail["Subject"]) for mail in mails] == [
        (address, "GridTokenX: GXT minted")
    ]


def test_mailbox_reader_sees_nothing_in_an_absent_folder(tmp_path: Path) -> None:
    from gridtokenx.mailbox import read_messages

    assert read_messages(tmp_path / "missing") == []
