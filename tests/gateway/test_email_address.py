"""Every address ``PUT /v1/me/email`` accepts can be written into a mail header and on the SMTP
command line unchanged (schemathesis found addresses with U+001D or RFC 5322 specials that
passed validation and then broke the mailer with a 500)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from aiosmtplib.email import extract_recipients, parse_address
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gridtokenx.gateway.schemas import _EMAIL, EmailRequest


@given(st.from_regex(_EMAIL, fullmatch=True))
def test_an_accepted_address_reaches_the_smtp_command_line_unchanged(address: str) -> None:
    try:
        EmailRequest(email=address)
    except ValidationError:
        return  # longer than 254 characters, or a local part longer than 64
    message = EmailMessage()
    message["To"] = address
    assert [parse_address(recipient) for recipient in extract_recipients(message)] == [address]


@pytest.mark.parametrize(
    "address",
    ["%@\u00e6.P_\u001d+", "a\u0085@b.c", "a@b.c]", "<a>@b.c", "a..b@c.d", ".a@b.c", "a@b.", "a@b"],
)
def test_addresses_the_mailer_cannot_send_are_refused(address: str) -> None:
    with pytest.raises(ValidationError):
        EmailRequest(email=address)


@pytest.mark.parametrize("address", ["a@b.c", "first.last+tag@mail.example.org", "å@bücher.de"])
def test_ordinary_addresses_are_accepted(address: str) -> None:
    assert EmailRequest(email=address).email == address
