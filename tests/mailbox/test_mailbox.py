"""The local mail server as the stack runs it: what it accepts lands in its Maildir, in order,
with the envelope; what is too large is refused."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from gridtokenx.config import Settings
from tests.utils.mailbox import RunningMailbox, running_mailbox

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def mailbox(
    running_stack: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningMailbox]:
    with running_mailbox(running_stack, tmp_path_factory.mktemp("mailbox")) as running:
        yield running


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "GridTokenX <no-reply@gridtokenx.local>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


async def test_accepted_messages_are_read_back_in_order_with_their_envelope(
    mailbox: RunningMailbox,
) -> None:
    before = len(mailbox.messages())
    for index in range(3):
        await aiosmtplib.send(
            _message("alice@example.org", f"message {index}", f"body {index}"),
            hostname=mailbox.host,
            port=mailbox.port,
            recipients=["alice@example.org", "bob@example.org"],
        )
    stored = mailbox.messages()[before:]
    assert [message["Subject"] for message in stored] == ["message 0", "message 1", "message 2"]
    assert stored[0]["X-Mailbox-Envelope-To"] == "alice@example.org, bob@example.org"
    assert stored[0]["X-Mailbox-Envelope-From"] == "no-reply@gridtokenx.local"
    assert stored[2].get_content() == "body 2\n"
    assert not any((mailbox.maildir / "tmp").iterdir())


async def test_a_message_above_the_size_limit_is_refused_and_not_stored(
    mailbox: RunningMailbox,
) -> None:
    before = len(mailbox.messages())
    with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
        await aiosmtplib.send(
            _message("alice@example.org", "too large", "x" * 2_000_000),
            hostname=mailbox.host,
            port=mailbox.port,
        )
    assert refused.value.code == 552
    assert len(mailbox.messages()) == before


def test_an_absent_maildir_holds_no_messages(tmp_path: Path) -> None:
    from gridtokenx.mailbox import read_messages

    assert read_messages(tmp_path / "missing") == []
