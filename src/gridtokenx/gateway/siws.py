"""Sign-In With Solana messages: the text format, its parser and the checks of a sign-in.

Pure: no I/O, no clock (the caller passes ``now``). The format is the ``sign-in-with-solana``
ABNF of the Wallet Standard's ``solana:signIn`` feature (modelled on EIP-4361)::

    ${domain} wants you to sign in with your Solana account:
    ${address}

    ${statement}

    URI: ${uri}
    Version: ${version}
    Chain ID: ${chain-id}
    Nonce: ${nonce}
    Issued At: ${issued-at}
    Expiration Time: ${expiration-time}
    Not Before: ${not-before}
    Request ID: ${request-id}
    Resources:
    - ${resources[0]}

Every field after the address is optional; the blank line before the statement and before the
first advanced field is present exactly when something follows. A wallet with ``signIn`` builds
this text itself from the input the gateway issued; a wallet without it signs the same text,
built by the gateway (``format_message``), with ``signMessage``. Either way the gateway checks
the exact signed bytes: they must parse, equal the canonical text of their fields (no stray
whitespace or reordering), repeat every field the gateway issued, and verify under the
address's Ed25519 key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from solders.pubkey import Pubkey

from gridtokenx.gateway.errors import (
    AddressMismatchError,
    DomainMismatchError,
    FieldMismatchError,
    MessageExpiredError,
    MessageMalformedError,
    MessageNotYetValidError,
    SignatureInvalidError,
)

HEADER_SUFFIX = " wants you to sign in with your Solana account:"
MAX_MESSAGE_BYTES = 4096
_ADDRESS = re.compile(r"[1-9A-HJ-NP-Za-km-z]{32,44}")
_NONCE = re.compile(r"[A-Za-z0-9]{8,}")
_ADVANCED: tuple[tuple[str, str], ...] = (
    ("uri", "URI: "),
    ("version", "Version: "),
    ("chain_id", "Chain ID: "),
    ("nonce", "Nonce: "),
    ("issued_at", "Issued At: "),
    ("expiration_time", "Expiration Time: "),
    ("not_before", "Not Before: "),
    ("request_id", "Request ID: "),
)
_RESOURCES = "Resources:"
_FIELD_PREFIXES = (*(prefix for _, prefix in _ADVANCED), _RESOURCES)


@dataclass(frozen=True, slots=True, kw_only=True)
class SignInFields:
    """The fields of a sign-in message; ``None`` (or no resources) leaves a field out."""

    domain: str
    address: str | None = None
    statement: str | None = None
    uri: str | None = None
    version: str | None = None
    chain_id: str | None = None
    nonce: str | None = None
    issued_at: str | None = None
    expiration_time: str | None = None
    not_before: str | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = ()


def format_message(message: SignInFields) -> str:
    """The exact text a wallet signs for ``message`` (whose address must be set)."""
    if message.address is None:
        raise ValueError("a sign-in message needs its address")
    text = f"{message.domain}{HEADER_SUFFIX}\n{message.address}"
    if message.statement:
        text += f"\n\n{message.statement}"
    lines = [f"{prefix}{value}" for name, prefix in _ADVANCED if (value := getattr(message, name))]
    if message.resources:
        lines.append(_RESOURCES)
        lines.extend(f"- {resource}" for resource in message.resources)
    if lines:
        text += "\n\n" + "\n".join(lines)
    return text


def parse_message(signed: bytes) -> SignInFields:
    """The fields of a signed message; :class:`MessageMalformedError` unless it is canonical."""
    if len(signed) > MAX_MESSAGE_BYTES:
        raise MessageMalformedError(f"the message is longer than {MAX_MESSAGE_BYTES} bytes")
    try:
        text = signed.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MessageMalformedError("the message is not UTF-8 text") from exc
    lines = text.split("\n")
    if len(lines) < 2 or not lines[0].endswith(HEADER_SUFFIX):
        raise MessageMalformedError(
            f"the message does not start with '<domain>{HEADER_SUFFIX}' and an address line"
        )
    domain = lines[0].removesuffix(HEADER_SUFFIX)
    address = lines[1]
    if not domain or any(character.isspace() for character in domain):
        raise MessageMalformedError(f"the message's domain {domain!r} is not a host[:port]")
    if not _ADDRESS.fullmatch(address):
        raise MessageMalformedError(f"the message's address {address!r} is not base58")
    values: dict[str, str] = {}
    resources: list[str] = []
    statement: str | None = None
    index = 2
    if index < len(lines):
        index = _expect_blank(lines, index)
        if not lines[index].startswith(_FIELD_PREFIXES):
            statement = lines[index]
            index += 1
            if index < len(lines):
                index = _expect_blank(lines, index)
        for name, prefix in _ADVANCED:
            if index < len(lines) and lines[index].startswith(prefix):
                values[name] = lines[index].removeprefix(prefix)
                index += 1
        if index < len(lines) and lines[index] == _RESOURCES:
            index += 1
            while index < len(lines) and lines[index].startswith("- "):
                resources.append(lines[index].removeprefix("- "))
                index += 1
        if index != len(lines):
            raise MessageMalformedError(
                f"line {index + 1} of the message ({lines[index]!r}) is not a known field "
                "in its place"
            )
    message = SignInFields(
        domain=domain, address=address, statement=statement, resources=tuple(resources), **values
    )
    if format_message(message) != text:
        raise MessageMalformedError("the message is not in the canonical sign-in format")
    return message


def _expect_blank(lines: list[str], index: int) -> int:
    if lines[index] != "" or index + 1 >= len(lines):
        raise MessageMalformedError(f"line {index + 1} of the message must be a blank separator")
    return index + 1


def parse_time(value: str, field: str) -> datetime:
    """An ISO 8601 date-time with a zone (``Z`` or an offset)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MessageMalformedError(f"{field} {value!r} is not an ISO 8601 date-time") from exc
    if moment.tzinfo is None:
        raise MessageMalformedError(f"{field} {value!r} has no time zone")
    return moment


def format_time(moment: datetime) -> str:
    """The form the gateway issues: UTC, milliseconds, ``Z`` (as JavaScript's toISOString)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def check_sign_in(
    *,
    issued: SignInFields,
    signed_message: bytes,
    signature: bytes,
    address: str,
    now: datetime,
    max_clock_skew: timedelta,
) -> SignInFields:
    """Check a wallet's answer to ``issued``; returns the signed fields, or raises the
    :class:`~gridtokenx.gateway.errors.SignInError` that names the first failed rule.

    ``address`` is the account the wallet says signed (``signInOutput.account.address``, or the
    connected account for ``signMessage``). When ``issued.address`` is None any address may
    sign, as the Wallet Standard lets the wallet choose the account.
    """
    message = parse_message(signed_message)
    if message.domain != issued.domain:
        raise DomainMismatchError(
            f"the message is for {message.domain!r}, this gateway signs in {issued.domain!r}",
            {"expected": issued.domain, "actual": message.domain},
        )
    if message.address != address:
        raise AddressMismatchError(
            f"the message names {message.address}, but {address} claims to have signed it",
            {"message_address": message.address, "signer": address},
        )
    for field in fields(SignInFields):
        if field.name in ("domain", "address"):
            continue
        expected, actual = getattr(issued, field.name), getattr(message, field.name)
        if expected != actual:
            raise FieldMismatchError(
                f"the message's {field.name} differs from the one issued with the nonce",
                {"field": field.name, "expected": expected, "actual": actual},
            )
    if issued.address is not None and issued.address != address:
        raise AddressMismatchError(
            f"the nonce was issued for {issued.address}, not {address}",
            {"issued_for": issued.address, "signer": address},
        )
    _check_time_bounds(message, now, max_clock_skew)
    _verify_signature(address, signed_message, signature)
    return message


def _check_time_bounds(message: SignInFields, now: datetime, max_clock_skew: timedelta) -> None:
    if message.issued_at is not None:
        issued_at = parse_time(message.issued_at, "Issued At")
        if issued_at > now + max_clock_skew:
            raise MessageNotYetValidError(f"the message was issued in the future ({issued_at})")
    if message.not_before is not None:
        not_before = parse_time(message.not_before, "Not Before")
        if not_before > now + max_clock_skew:
            raise MessageNotYetValidError(f"the message is valid only from {not_before}")
    if message.expiration_time is not None:
        expires = parse_time(message.expiration_time, "Expiration Time")
        if expires <= now:
            raise MessageExpiredError(f"the message expired at {expires}: request a new nonce")


def _verify_signature(address: str, message: bytes, signature: bytes) -> None:
    try:
        key = bytes(Pubkey.from_string(address))
    except ValueError as exc:
        raise AddressMismatchError(f"{address} is not a Solana address") from exc
    if len(signature) != 64:
        raise SignatureInvalidError(f"an Ed25519 signature has 64 bytes, not {len(signature)}")
    try:
        VerifyKey(key).verify(message, signature)
    except BadSignatureError as exc:
        raise SignatureInvalidError(
            f"the signature does not verify for {address} over the signed message"
        ) from exc


def with_address(message: SignInFields, address: str) -> SignInFields:
    """``message`` completed with ``address`` (for wallets without ``signIn``)."""
    return replace(message, address=address)


def is_valid_nonce(nonce: str) -> bool:
    return _NONCE.fullmatch(nonce) is not None


def is_valid_address(address: str) -> bool:
    if not _ADDRESS.fullmatch(address):
        return False
    try:
        Pubkey.from_string(address)
    except ValueError:
        return False
    return True
