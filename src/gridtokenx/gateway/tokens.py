"""Access tokens (JWT, HS256) and refresh tokens (opaque), without I/O.

An access token is short-lived and kept in memory by web apps; it carries the account, its
role and the session it belongs to, so each request is authorised without a database query
(the session's existence is still checked in Redis, which makes sign-out immediate). A refresh
token is ``<session id>.<secret>``: only the SHA-256 of the secret is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from gridtokenx.gateway.errors import (
    RefreshTokenInvalidError,
    TokenExpiredError,
    TokenInvalidError,
)
from gridtokenx.gateway.roles import ROLES, Role

ISSUER = "gridtokenx-gateway"
ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: str
    role: Role
    wallet: str
    issued_at_s: int
    expires_at_s: int


def encode_access_token(claims: AccessClaims, secret: bytes) -> str:
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "sub": str(claims.user_id),
        "sid": claims.session_id,
        "roles": [claims.role],
        "wallet": claims.wallet,
        "iat": claims.issued_at_s,
        "exp": claims.expires_at_s,
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, secret: bytes, now: datetime) -> AccessClaims:
    """The claims of a token this gateway signed; the expiry is checked against ``now``."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"verify_exp": False, "verify_iat": False, "require": ["exp", "iat", "sub"]},
        )
        roles = payload["roles"]
        claims = AccessClaims(
            user_id=uuid.UUID(payload["sub"]),
            session_id=str(payload["sid"]),
            role=roles[0],
            wallet=str(payload["wallet"]),
            issued_at_s=int(payload["iat"]),
            expires_at_s=int(payload["exp"]),
        )
    except (jwt.InvalidTokenError, KeyError, IndexError, TypeError, ValueError) as exc:
        raise TokenInvalidError("the access token is not one this gateway issued") from exc
    if len(roles) != 1 or claims.role not in ROLES:
        raise TokenInvalidError("the access token names an unknown role")
    if claims.expires_at_s <= int(now.timestamp()):
        raise TokenExpiredError("the access token expired: refresh it with POST /v1/auth/refresh")
    return claims


def new_session_id() -> str:
    return secrets.token_urlsafe(16)


def new_refresh_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_refresh_token(token: str) -> tuple[str, str]:
    """``(session id, secret)`` of a refresh token."""
    session_id, dot, secret = token.partition(".")
    if not dot or not session_id or not secret or len(token) > 200:
        raise RefreshTokenInvalidError("the refresh token is malformed: sign in again")
    return session_id, secret
