"""The notifier when the mail server or Redis does not answer: nothing is lost, and it is
delivered once they do (a closed port stands in for the server that is down)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import psycopg
import pytest
from redis.asyncio import Redis

from gridtokenx.config import GatewaySettings, NotifierSettings, PostgresSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.notifications.events import user_sequence_key
from gridtokenx.notifications.service import Notifier
from gridtokenx.notifications.store import NotifierStore
from tests.notifications.rig import add_user, insert_trade, run_until_caught_up, settle_trade
from tests.utils.databases import scratch_database
from tests.utils.mailbox import RunningMailbox, running_mailbox
from tests.utils.ports import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def database(running_stack: Settings) -> Iterator[PostgresSettings]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres


@pytest.fixture
def mailbox(
    running_stack: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningMailbox]:
    with running_mailbox(running_stack, tmp_path_factory.mktemp("mailbox-faults")) as running:
        yield running


@pytest.fixture
async def redis(running_stack: Settings) -> AsyncIterator[Redis]:
    client = Redis(host=running_stack.redis.host, port=running_stack.redis.port)
    try:
        yield client
    finally:
        await client.aclose()


def _outbox(postgres: PostgresSettings, user: uuid.UUID) -> list[tuple[object, ...]]:
    with psycopg.connect(postgres.url) as connection:
        return connection.execute(
            "SELECT event_kind, published_at IS NOT NULL, email_status, email_attempts, "
            "email_error IS NOT NULL FROM notifier_outbox WHERE user_id = %s ORDER BY outbox_id",
            (user,),
        ).fetchall()


@pytest.mark.anyio
async def test_an_email_the_server_did_not_take_is_sent_when_it_answers(
    database: PostgresSettings, mailbox: RunningMailbox, redis: Redis
) -> None:
    address = f"retry-{uuid.uuid4().hex[:8]}@example.org"
    buyer = add_user(database, email=address)
    seller = add_user(database)
    insert_trade(database, 1, buyer.wallet, seller.wallet)
    settle_trade(database, 1)
    settings = NotifierSettings()
    down = GatewaySettings(smtp_port=free_port(), smtp_timeout_s=2)
    store = NotifierStore(database.url)
    counts = await run_until_caught_up(Notifier(settings, down, store=store, redis=redis), database)
    assert (counts.emails_sent, counts.failures) == (0, [])
    assert _outbox(database, buyer.user_id)[-1] == ("settlement", True, "pending", 1, True)

    up = GatewaySettings(smtp_host=mailbox.host, smtp_port=mailbox.port)
    # Within the retry pause (30 s) nothing is tried again; once it has passed, it is.
    counts = await Notifier(settings, up, store=store, redis=redis).run_pass()
    assert counts.emails_sent == 0
    with psycopg.connect(database.url, autocommit=True) as connection:
        connection.execute("UPDATE notifier_outbox SET email_next_at = now() - interval '1 s'")
    counts = await Notifier(settings, up, store=store, redis=redis).run_pass()
    await store.close()
    assert counts.emails_sent == 1
    assert [mail["To"] for mail in mailbox.messages()] == [address]
    assert _outbox(database, buyer.user_id) == []  # done rows are pruned


@pytest.mark.anyio
async def test_events_wait_in_the_outbox_while_redis_is_down(
    database: PostgresSettings, redis: Redis
) -> None:
    buyer = add_user(database)
    seller = add_user(database)
    insert_trade(database, 1, buyer.wallet, seller.wallet)
    store = NotifierStore(database.url)
    unreachable = Redis(port=free_port(), socket_connect_timeout=1)
    try:
        counts = await run_until_caught_up(
            Notifier(NotifierSettings(), GatewaySettings(), store=store, redis=unreachable),
            database,
        )
    finally:
        await unreachable.aclose()
    assert counts.changes == 1
    assert counts.failures == ["redis"]
    assert _outbox(database, buyer.user_id) == [("fill", False, "none", 0, False)]

    counts = await Notifier(
        NotifierSettings(), GatewaySettings(), store=store, redis=redis
    ).run_pass()
    await store.close()
    assert (counts.changes, counts.published, counts.failures) == (0, 2, [])
    assert int(await redis.get(user_sequence_key(buyer.user_id)) or 0) == 1
    assert _outbox(database, buyer.user_id) == []
