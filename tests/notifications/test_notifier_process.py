"""The notifier as the stack runs it (`gridtokenx notifier run`, NotifierService's launch
command and health check) against a scratch database, the shared Redis and a real mailbox."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from gridtokenx.config import GatewaySettings, NotifierSettings, PostgresSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.stack.services.notifier import NotifierService
from tests.notifications.rig import add_user, insert_trade, settle_trade
from tests.utils.databases import scratch_database
from tests.utils.mailbox import running_mailbox
from tests.utils.ports import free_port
from tests.utils.service_process import launched

pytestmark = pytest.mark.integration

_WAIT_S = 60.0


@pytest.fixture
def database(running_stack: Settings) -> Iterator[PostgresSettings]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres


def _notifications(postgres: PostgresSettings, user: uuid.UUID) -> list[str]:
    with psycopg.connect(postgres.url) as connection:
        rows = connection.execute(
            "SELECT kind FROM notifications WHERE user_id = %s ORDER BY id", (user,)
        ).fetchall()
    return [kind for (kind,) in rows]


def test_the_stack_service_notifies_a_settled_trade(
    running_stack: Settings, database: PostgresSettings, tmp_path: Path
) -> None:
    address = f"process-{uuid.uuid4().hex[:8]}@example.org"
    buyer = add_user(database, email=address)
    seller = add_user(database)
    with running_mailbox(running_stack, tmp_path / "mail") as mailbox:
        settings = running_stack.model_copy(
            update={
                "postgres": database,
                "state_dir": tmp_path,
                "notifier": NotifierSettings(metrics_port=free_port(), poll_interval_ms=50),
                "gateway": GatewaySettings(smtp_host=mailbox.host, smtp_port=mailbox.port),
            }
        )
        with launched(NotifierService(settings), dict(os.environ)) as run:
            insert_trade(database, 1, buyer.wallet, seller.wallet)
            settle_trade(database, 1)
            deadline = time.monotonic() + _WAIT_S
            while not mailbox.messages() and time.monotonic() < deadline:
                time.sleep(0.1)
        assert run.returncode == 0, run.output
        assert "notifier changes=2 deliveries=4 notifications=2" in run.output
        assert _notifications(database, buyer.user_id) == ["trade_settled"]
        assert _notifications(database, seller.user_id) == ["trade_settled"]
        assert [mail["To"] for mail in mailbox.messages()] == [address]
