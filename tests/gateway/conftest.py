"""Fixtures of the gateway tests: a migrated scratch database, the shared Redis, a real SMTP
server (aiosmtpd on a free port), a controllable clock, and the app served in-process."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI
from pydantic import SecretStr

from gridtokenx.config import GatewaySettings, PostgresSettings, RateLimitSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.gateway.app import create_app
from tests.gateway.wallet import BrowserWallet
from tests.utils.databases import scratch_database
from tests.utils.ports import free_port


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Inbox:
    """What the SMTP server received (aiosmtpd handler)."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        self.messages.append(message_from_bytes(content))
        return "250 OK"


@pytest.fixture(scope="session")
def accounts_database(running_stack: Settings) -> Iterator[PostgresSettings]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres


@pytest.fixture(scope="session")
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def operator_wallet() -> BrowserWallet:
    return BrowserWallet()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gateway_settings(
    running_stack: Settings,
    accounts_database: PostgresSettings,
    smtp_inbox: tuple[Inbox, int],
    operator_wallet: BrowserWallet,
    tmp_path: Path,
) -> Settings:
    gateway = GatewaySettings(
        token_secret=SecretStr(secrets.token_hex(32)),
        operator_wallets=[operator_wallet.address],
        operators_from_chain=False,
        smtp_port=smtp_inbox[1],
    )
    return running_stack.model_copy(
        update={
            "postgres": accounts_database,
            "state_dir": tmp_path,
            "gateway": gateway,
            # Every test signs in from the same address within a minute: limits are off here
            # and on in tests/gateway/test_rate_limits*.py.
            "rate_limits": RateLimitSettings(enabled=False),
        }
    )


@pytest.fixture
def app(gateway_settings: Settings, clock: Clock) -> FastAPI:
    return create_app(gateway_settings, clock)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        # https: the refresh cookie is Secure, and httpx only sends it over https.
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            yield c
