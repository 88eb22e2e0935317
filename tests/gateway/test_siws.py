"""The Sign-In With Solana core: the exact text format, strict parsing, and each check."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from solders.keypair import Keypair

from gridtokenx.gateway import siws
from gridtokenx.gateway.errors import (
    AddressMismatchError,
    DomainMismatchError,
    FieldMismatchError,
    MessageExpiredError,
    MessageMalformedError,
    MessageNotYetValidError,
    SignatureInvalidError,
)

KEY = Keypair()
ADDRESS = str(KEY.pubkey())
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SKEW = timedelta(seconds=60)
ISSUED = siws.SignInFields(
    domain="127.0.0.1:3000",
    statement="Sign in to GridTokenX.",
    uri="http://127.0.0.1:3000",
    version="1",
    chain_id="localnet",
    nonce="a1b2c3d4e5f60718",
    issued_at="2026-11-23T12:00:00.000Z",
    expiration_time="2026-11-23T12:05:00.000Z",
)


def test_the_maximal_message_matches_the_specification_template() -> None:
    message = replace(
        ISSUED,
        address=ADDRESS,
        not_before="2026-11-23T12:00:00.000Z",
        request_id="r-1",
        resources=("https://a.example/x", "ipfs://b"),
    )
    assert siws.format_message(message) == (
        "127.0.0.1:3000 wants you to sign in with your Solana account:\n"
        f"{ADDRESS}\n\nSign in to GridTokenX.\n\nURI: http://127.0.0.1:3000\nVersion: 1\n"
        "Chain ID: localnet\nNonce: a1b2c3d4e5f60718\nIssued At: 2026-11-23T12:00:00.000Z\n"
        "Expiration Time: 2026-11-23T12:05:00.000Z\nNot Before: 2026-11-23T12:00:00.000Z\n"
        "Request ID: r-1\nResources:\n- https://a.example/x\n- ipfs://b"
    )


def test_the_minimal_message_is_two_lines() -> None:
    minimal = siws.SignInFields(domain="example.com", address=ADDRESS)
    text = siws.format_message(minimal)
    assert text == f"example.com wants you to sign in with your Solana account:\n{ADDRESS}"
    assert siws.parse_message(text.encode()) == minimal


_line = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=30
).filter(lambda value: value.strip() == value and value)
_optional = st.none() | _line


@given(
    statement=_optional.filter(
        lambda value: value is None or not value.startswith(("URI: ", "Version: ", "Resources:"))
    ),
    uri=_optional,
    version=_optional,
    chain_id=_optional,
    nonce=_optional,
    issued_at=_optional,
    request_id=_optional,
    resources=st.lists(_line, max_size=3).map(tuple),
)
def test_format_then_parse_gives_the_fields_back(
    statement: str | None,
    uri: str | None,
    version: str | None,
    chain_id: str | None,
    nonce: str | None,
    issued_at: str | None,
    request_id: str | None,
    resources: tuple[str, ...],
) -> None:
    fields = siws.SignInFields(
        domain="app.example:8443",
        address=ADDRESS,
        statement=statement,
        uri=uri,
        version=version,
        chain_id=chain_id,
        nonce=nonce,
        issued_at=issued_at,
        request_id=request_id,
        resources=resources,
    )
    assert siws.parse_message(siws.format_message(fields).encode()) == fields


@pytest.mark.parametrize(
    "text",
    [
        "",
        "example.com wants you to sign in with your Solana account:",
        f"example.com wants you to sign in with your Ethereum account:\n{ADDRESS}",
        f" wants you to sign in with your Solana account:\n{ADDRESS}",
        "example.com wants you to sign in with your Solana account:\n0OIl-not-base58",
        f"example.com wants you to sign in with your Solana account:\n{ADDRESS}\n",
        f"example.com wants you to sign in with your Solana account:\n{ADDRESS}\nURI: x",
        f"example.com wants you to sign in with your Solana account:\n{ADDRESS}\n\nVersion: 1\n"
        "URI: x",
        f"example.com wants you to sign in with your Solana account:\n{ADDRESS}\n\nURI: x\n\n",
        f"example.com wants you to sign in with your Solana account:\n{ADDRESS}\n\nHi\nUnknown: 1",
    ],
)
def test_non_canonical_text_is_malformed(text: str) -> None:
    with pytest.raises(MessageMalformedError):
        siws.parse_message(text.encode())


def test_bytes_that_are_not_utf8_or_too_long_are_malformed() -> None:
    with pytest.raises(MessageMalformedError):
        siws.parse_message(b"\xff\xfe")
    with pytest.raises(MessageMalformedError):
        siws.parse_message(b"a" * (siws.MAX_MESSAGE_BYTES + 1))


def _signed(fields: siws.SignInFields, key: Keypair = KEY) -> tuple[bytes, bytes]:
    message = siws.format_message(fields).encode()
    return message, bytes(key.sign_message(message))


def _check(message: bytes, signature: bytes, now: datetime = NOW, address: str = ADDRESS) -> None:
    siws.check_sign_in(
        issued=ISSUED,
        signed_message=message,
        signature=signature,
        address=address,
        now=now,
        max_clock_skew=SKEW,
    )


def test_a_correct_answer_passes() -> None:
    _check(*_signed(replace(ISSUED, address=ADDRESS)))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"domain": "evil.example"}, DomainMismatchError),
        ({"statement": "Give me everything"}, FieldMismatchError),
        ({"nonce": "ffffffffffffffff"}, FieldMismatchError),
        ({"chain_id": "mainnet"}, FieldMismatchError),
        ({"uri": None}, FieldMismatchError),
        ({"resources": ("https://extra.example",)}, FieldMismatchError),
    ],
)
def test_each_changed_field_is_refused(changes: dict[str, object], error: type[Exception]) -> None:
    tampered = replace(ISSUED, address=ADDRESS, **changes)  # type: ignore[arg-type]
    with pytest.raises(error):
        _check(*_signed(tampered))


def test_time_bounds() -> None:
    message, signature = _signed(replace(ISSUED, address=ADDRESS))
    _check(message, signature, now=NOW + timedelta(minutes=4, seconds=59))
    _check(message, signature, now=NOW - SKEW)
    with pytest.raises(MessageExpiredError):
        _check(message, signature, now=NOW + timedelta(minutes=5))
    with pytest.raises(MessageNotYetValidError):
        _check(message, signature, now=NOW - SKEW - timedelta(seconds=1))


def test_signatures_and_addresses() -> None:
    other = Keypair()
    message, signature = _signed(replace(ISSUED, address=ADDRESS))
    with pytest.raises(SignatureInvalidError):
        _check(message, bytes(other.sign_message(message)))
    with pytest.raises(SignatureInvalidError):
        _check(message, signature[:63])
    with pytest.raises(SignatureInvalidError):
        _check(message, bytes(64))
    with pytest.raises(AddressMismatchError):
        _check(message, signature, address=str(other.pubkey()))
    pinned = replace(ISSUED, address=str(other.pubkey()))
    with pytest.raises(AddressMismatchError):
        siws.check_sign_in(
            issued=pinned,
            signed_message=message,
            signature=signature,
            address=ADDRESS,
            now=NOW,
            max_clock_skew=SKEW,
        )


def test_time_format_is_javascripts_iso_string() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    assert siws.format_time(moment) == "2026-01-02T03:04:05.678Z"
    assert siws.parse_time("2026-01-02T03:04:05.678Z", "Issued At") == moment.replace(
        microsecond=678000
    )
    with pytest.raises(MessageMalformedError):
        siws.parse_time("2026-01-02T03:04:05", "Issued At")
