"""Wallet sign-in, sessions and wallet links: the rules, over the Redis store and PostgreSQL.

Sign-in: ``issue_nonce`` stores the fields of a Sign-In With Solana message under a fresh
nonce; ``sign_in`` takes the nonce back exactly once (whatever the outcome: a refused attempt
burns it), checks the signed message against it (``siws.check_sign_in``), finds or creates the
wallet's account, and opens a session: a short-lived access token plus a refresh token whose
family is the session. ``refresh`` rotates the refresh token; presenting an already exchanged
one ends the session. A deactivated account (``users.deactivated_at``) can neither sign in nor
refresh. A wallet is linked to an account only by a message, signed by that
wallet, whose nonce was issued to that account and whose statement names it.
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Literal

from gridtokenx.config import GatewaySettings
from gridtokenx.gateway import siws
from gridtokenx.gateway.errors import (
    AccountDeactivatedError,
    MessageMalformedError,
    NonceInvalidError,
    RefreshTokenInvalidError,
    RefreshTokenReusedError,
    SessionNotFoundError,
    SessionRevokedError,
    UnavailableError,
)
from gridtokenx.gateway.repository import Account, AccountsRepository, Wallet
from gridtokenx.gateway.roles import Role, role_at_sign_in
from gridtokenx.gateway.security_events import SecurityEvents
from gridtokenx.gateway.store import IssuedNonce, SessionRecord, SessionStore
from gridtokenx.gateway.tokens import (
    AccessClaims,
    decode_access_token,
    encode_access_token,
    hash_secret,
    new_refresh_secret,
    new_session_id,
    split_refresh_token,
)

_NONCE_BYTES = 16
Purpose = Literal["sign_in", "link_wallet"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """The caller of a request, from its access token."""

    user_id: uuid.UUID
    session_id: str
    role: Role
    wallet: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedMessage:
    fields: siws.SignInFields
    expires_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Tokens:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    session_id: str
    account: Account


class AuthService:
    def __init__(
        self,
        settings: GatewaySettings,
        *,
        store: SessionStore,
        accounts: AccountsRepository,
        token_secret: bytes,
        operators: frozenset[str],
        clock: Callable[[], datetime],
        security: SecurityEvents | None = None,
    ) -> None:
        self._settings = settings
        self.security = security
        """Told of each sign-in and refresh-token reuse (notification + e-mail); never raises."""
        self._store = store
        self._accounts = accounts
        self._secret = token_secret
        self._operators = operators
        self._clock = clock

    async def issue_nonce(
        self, *, address: str | None, purpose: Purpose = "sign_in", user_id: uuid.UUID | None = None
    ) -> IssuedMessage:
        settings = self._settings
        now = self._clock()
        expires_at = now + timedelta(seconds=settings.nonce_ttl_s)
        nonce = secrets.token_hex(_NONCE_BYTES)
        statement = settings.sign_in_statement
        if purpose == "link_wallet":
            statement = f"Link this wallet to GridTokenX account {user_id}."
        fields = siws.SignInFields(
            domain=settings.domain,
            address=address,
            statement=statement,
            uri=settings.sign_in_uri,
            version="1",
            chain_id=settings.chain_id,
            nonce=nonce,
            issued_at=siws.format_time(now),
            expiration_time=siws.format_time(expires_at),
        )
        issued = IssuedNonce(purpose=purpose, user_id=user_id, fields=dataclasses.asdict(fields))
        await self._store.put_nonce(nonce, issued, settings.nonce_ttl_s)
        return IssuedMessage(fields=fields, expires_at=expires_at)

    async def _check_signed(
        self,
        *,
        address: str,
        signed_message: bytes,
        signature: bytes,
        purpose: Purpose,
        user_id: uuid.UUID | None,
    ) -> siws.SignInFields:
        nonce = siws.parse_message(signed_message).nonce
        if nonce is None:
            raise MessageMalformedError("the message has no Nonce: request one first")
        issued = await self._store.take_nonce(nonce) if siws.is_valid_nonce(nonce) else None
        if issued is None or issued.purpose != purpose or issued.user_id != user_id:
            raise NonceInvalidError(
                "the nonce is unknown, expired, already used or issued for something else: "
                "request a new one"
            )
        values = dict(issued.fields)
        values["resources"] = tuple(values.get("resources") or ())
        return siws.check_sign_in(
            issued=siws.SignInFields(**values),
            signed_message=signed_message,
            signature=signature,
            address=address,
            now=self._clock(),
            max_clock_skew=timedelta(seconds=self._settings.max_clock_skew_s),
        )

    async def sign_in(
        self, *, address: str, signed_message: bytes, signature: bytes, user_agent: str
    ) -> Tokens:
        await self._check_signed(
            address=address,
            signed_message=signed_message,
            signature=signature,
            purpose="sign_in",
            user_id=None,
        )
        role_for = partial(
            _role_for,
            wallet=address,
            operators=self._operators,
            default=self._settings.default_role,
        )
        account = await self._accounts.sign_in_account(address, role_for)
        now = self._clock()
        session_id = new_session_id()
        refresh_secret = new_refresh_secret()
        now_ms = int(now.timestamp() * 1000)
        await self._store.create_session(
            SessionRecord(
                session_id=session_id,
                user_id=account.id,
                wallet=address,
                created_at_ms=now_ms,
                last_used_at_ms=now_ms,
                user_agent=user_agent[:200],
            ),
            hash_secret(refresh_secret),
            self._settings.refresh_token_ttl_s,
        )
        # An operator may have deactivated the account between the read above and the new
        # session: deactivation commits before it ends the sessions, so reading it again here
        # closes the gap (either this read sees it, or its session sweep sees this session).
        account = await self._refuse_deactivated(account.id, session_id)
        if self.security is not None:
            await self.security.signed_in(
                user_id=account.id,
                session_id=session_id,
                wallet=address,
                user_agent=user_agent,
                at=now,
            )
        return self._tokens(account, session_id, address, f"{session_id}.{refresh_secret}")

    async def _refuse_deactivated(self, user_id: uuid.UUID, session_id: str) -> Account:
        account = await self._accounts.account(user_id)
        if account.deactivated_at is not None:
            await self._store.delete_session(session_id, user_id)
            raise AccountDeactivatedError(
                "this account was deactivated by an operator; contact the operator",
                {"deactivated_at": account.deactivated_at.isoformat()},
            )
        return account

    async def refresh(self, refresh_token: str) -> Tokens:
        session_id, secret = split_refresh_token(refresh_token)
        record = await self._store.session(session_id)
        if record is None:
            raise RefreshTokenInvalidError("this session has ended: sign in again")
        new_secret = new_refresh_secret()
        outcome = await self._store.rotate(
            session_id=session_id,
            user_id=record.user_id,
            presented_hash=hash_secret(secret),
            new_hash=hash_secret(new_secret),
            now_ms=int(self._clock().timestamp() * 1000),
            ttl_s=self._settings.refresh_token_ttl_s,
        )
        if outcome == "reused":
            if self.security is not None:
                await self.security.refresh_token_reused(
                    user_id=record.user_id, session_id=session_id, at=self._clock()
                )
            raise RefreshTokenReusedError(
                "this refresh token was already used, so it may have been copied: the session "
                "is ended everywhere; sign in again",
                {"session_id": session_id},
            )
        if outcome != "rotated":
            raise RefreshTokenInvalidError("the refresh token is not valid: sign in again")
        account = await self._refuse_deactivated(record.user_id, session_id)
        return self._tokens(account, session_id, record.wallet, f"{session_id}.{new_secret}")

    async def sign_out(self, refresh_token: str) -> None:
        """End the session a refresh token belongs to (only with its current token)."""
        session_id, secret = split_refresh_token(refresh_token)
        record = await self._store.session(session_id)
        if record is None:
            return
        # Rotating to a fresh random hash both checks the presented token and spends it.
        outcome = await self._store.rotate(
            session_id=session_id,
            user_id=record.user_id,
            presented_hash=hash_secret(secret),
            new_hash=hash_secret(new_refresh_secret()),
            now_ms=int(self._clock().timestamp() * 1000),
            ttl_s=self._settings.refresh_token_ttl_s,
        )
        if outcome in ("rotated", "reused"):
            await self._store.delete_session(session_id, record.user_id)

    async def authenticate(self, access_token: str) -> Principal:
        """The caller of a valid, unexpired token whose session is live. While Redis does not
        answer (reduced mode, reported by ``/v1/health``) the signed token alone is trusted: a
        session ended meanwhile stays usable for at most the token's remaining lifetime
        (``access_token_ttl_s``), and sign-in, refresh and sign-out answer 503."""
        claims = decode_access_token(access_token, self._secret, self._clock())
        try:
            live = await self._store.session_exists(claims.session_id)
        except UnavailableError:
            live = True
        if not live:
            raise SessionRevokedError("this session was ended: sign in again")
        return Principal(
            user_id=claims.user_id,
            session_id=claims.session_id,
            role=claims.role,
            wallet=claims.wallet,
        )

    async def sessions(self, principal: Principal) -> list[SessionRecord]:
        return await self._store.user_sessions(principal.user_id)

    async def end_session(self, principal: Principal, session_id: str) -> None:
        record = await self._store.session(session_id)
        if record is None or record.user_id != principal.user_id:
            raise SessionNotFoundError(f"no session {session_id} of this account")
        await self._store.delete_session(session_id, principal.user_id)

    async def link_wallet(
        self, principal: Principal, *, address: str, signed_message: bytes, signature: bytes
    ) -> Wallet:
        await self._check_signed(
            address=address,
            signed_message=signed_message,
            signature=signature,
            purpose="link_wallet",
            user_id=principal.user_id,
        )
        return await self._accounts.link_wallet(principal.user_id, address)

    def _tokens(self, account: Account, session_id: str, wallet: str, refresh: str) -> Tokens:
        now = self._clock()
        expires_at = now + timedelta(seconds=self._settings.access_token_ttl_s)
        claims = AccessClaims(
            user_id=account.id,
            session_id=session_id,
            role=account.role,
            wallet=wallet,
            issued_at_s=int(now.timestamp()),
            expires_at_s=int(expires_at.timestamp()),
        )
        return Tokens(
            access_token=encode_access_token(claims, self._secret),
            access_expires_at=expires_at,
            refresh_token=refresh,
            session_id=session_id,
            account=account,
        )


def _role_for(
    current: Role | None, *, wallet: str, operators: frozenset[str], default: Role
) -> Role:
    return role_at_sign_in(current=current, wallet=wallet, operators=operators, default=default)
