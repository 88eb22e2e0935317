"""Request and response bodies of the gateway's routes (pydantic; OpenAPI is built from them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasGenerator, Base64Bytes, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from gridtokenx.gateway.roles import Role

_ADDRESS = r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"
BIGINT_MAX = 2**63 - 1
"""The largest PostgreSQL ``bigint``: the bound of query parameters (offsets, id cursors) that
reach SQL, so a larger one is a 422 instead of a database error."""
# An address the mailer can put in a header and on the SMTP command line: no whitespace, no
# control character (C0, DEL, C1; U+001D would split the header and \s misses it), and none of
# RFC 5322's specials, which would make the header parse to another (or no) address; dots only
# between atoms (dot-atom), and a local part of at most 64 characters (checked by EmailRequest).
_EMAIL_ATOM = r'[^.@\s\x00-\x1f\x7f-\x9f()<>\[\]:;,"\\]+'
_EMAIL = rf"^(?:{_EMAIL_ATOM}\.)*{_EMAIL_ATOM}@(?:{_EMAIL_ATOM}\.)+{_EMAIL_ATOM}$"
_EMAIL_LOCAL_PART_MAX = 64


class ErrorBody(BaseModel):
    """Every error response: a stable machine code, a message for people, and details."""

    code: str = Field(examples=["nonce_invalid"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    postgres: Literal["ok", "unavailable"]
    redis: Literal["ok", "unavailable"]
    features_off: list[str] = Field(
        default_factory=list,
        description="What does not work until the unavailable services answer again "
        "(see routes/health.py for each name); empty when status is ok",
    )
    features_reduced: list[str] = Field(
        default_factory=list,
        description="What keeps working with less until the unavailable services answer again "
        "(see routes/health.py for each name); empty when status is ok",
    )


class Version(BaseModel):
    name: Literal["gridtokenx-gateway"] = "gridtokenx-gateway"
    api: Literal["v1"] = "v1"
    version: str


class NonceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str | None = Field(default=None, pattern=_ADDRESS)
    """The wallet that will sign, when known: the response then also carries the exact message
    for wallets without ``solana:signIn`` (they sign it with ``signMessage``)."""


class LinkNonceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str = Field(pattern=_ADDRESS)


class SignInInput(BaseModel):
    """The Wallet Standard ``SolanaSignInInput`` to pass to ``wallet.signIn`` as is."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(serialization_alias=to_camel), populate_by_name=True
    )

    domain: str
    address: str | None = None
    statement: str
    uri: str
    version: str
    chain_id: str
    nonce: str
    issued_at: str
    expiration_time: str


class NonceResponse(BaseModel):
    input: SignInInput
    message: str | None
    """The exact text to sign with ``signMessage`` (set when the request named the address)."""
    expires_at: datetime


class SignInRequest(BaseModel):
    """A wallet's answer: ``signInOutput`` (account.address, signedMessage, signature) or the
    connected account, the message from ``/v1/auth/nonce`` and its ``signMessage`` signature."""

    model_config = ConfigDict(extra="forbid")

    address: str = Field(pattern=_ADDRESS)
    signed_message: Base64Bytes = Field(max_length=8192)
    """The exact signed bytes, base64."""
    signature: Base64Bytes = Field(max_length=128)
    """The 64-byte Ed25519 signature, base64."""


class WalletPublic(BaseModel):
    address: str
    linked_at: datetime


class AccountPublic(BaseModel):
    id: uuid.UUID
    role: Role
    created_at: datetime
    email: str | None
    email_verified: bool
    wallets: list[WalletPublic]


class AccountSummary(BaseModel):
    id: uuid.UUID
    role: Role
    created_at: datetime
    email_verified: bool


class AccountsPublic(BaseModel):
    data: list[AccountSummary]
    count: int


class TokenResponse(BaseModel):
    """An access token; the refresh token is set as an HttpOnly cookie, never in the body."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type name
    expires_in_s: int
    expires_at: datetime
    session_id: str
    user_id: uuid.UUID
    role: Role


class SessionPublic(BaseModel):
    id: str
    wallet: str
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    current: bool


class SessionsPublic(BaseModel):
    data: list[SessionPublic]
    count: int


class EmailRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=_EMAIL, max_length=254)

    @field_validator("email")
    @classmethod
    def _local_part_fits(cls, email: str) -> str:
        if len(email.rpartition("@")[0]) > _EMAIL_LOCAL_PART_MAX:
            raise ValueError(f"the part before @ is longer than {_EMAIL_LOCAL_PART_MAX} characters")
        return email


class EmailAccepted(BaseModel):
    email: str
    verification_sent: Literal[True] = True


class EmailVerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=16, max_length=200)


class EmailVerified(BaseModel):
    email: str
    verified_at: datetime
