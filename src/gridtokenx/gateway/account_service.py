"""An account's own data: its view, wallets and optional e-mail address (verified by link)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from gridtokenx.config import GatewaySettings
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.errors import EmailTokenInvalidError
from gridtokenx.gateway.mailer import Mailer
from gridtokenx.gateway.repository import Account, AccountsRepository, Wallet

_TOKEN_BYTES = 32


def hash_email_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class AccountService:
    def __init__(
        self,
        settings: GatewaySettings,
        *,
        accounts: AccountsRepository,
        mailer: Mailer,
        clock: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._accounts = accounts
        self._mailer = mailer
        self._clock = clock

    async def account(self, principal: Principal) -> tuple[Account, list[Wallet]]:
        account = await self._accounts.account(principal.user_id)
        return account, await self._accounts.wallets(principal.user_id)

    async def unlink_wallet(self, principal: Principal, address: str) -> None:
        await self._accounts.unlink_wallet(principal.user_id, address)

    async def set_email(self, principal: Principal, email: str) -> None:
        """Store the address unverified and mail it a single-use verification link."""
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        expires_at = self._clock() + timedelta(seconds=self._settings.email_token_ttl_s)
        await self._accounts.set_email(
            principal.user_id, email, hash_email_token(token), expires_at
        )
        link = f"{self._settings.email_verify_url}?{urlencode({'token': token})}"
        hours = self._settings.email_token_ttl_s // 3600
        await self._mailer.send(
            to=email,
            subject="Verify your e-mail address for GridTokenX",
            body=(
                "Someone (hopefully you) added this address to a GridTokenX account.\n\n"
                f"Open this link to verify it (valid for {hours} hours, once):\n{link}\n\n"
                "If it was not you, ignore this message.\n"
            ),
        )

    async def verify_email(self, token: str) -> Account:
        if not token or len(token) > 200:
            raise EmailTokenInvalidError("the verification token is malformed")
        return await self._accounts.verify_email(hash_email_token(token), self._clock())
