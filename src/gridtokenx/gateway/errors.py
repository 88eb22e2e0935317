"""The gateway's errors: each kind has a stable ``code`` and the HTTP status it answers with.

Clients branch on ``code`` (it never changes once published); ``message`` is for people.
The JSON body of every error response is ``{code, message, details}`` (see ``schemas.ErrorBody``);
``gridtokenx.errors`` draws the whole tree.
"""

from __future__ import annotations

from typing import Any, ClassVar

from gridtokenx.errors import GridTokenXError


class GatewayError(GridTokenXError):
    """An error the gateway answers with a typed body; subclasses set ``code`` and ``status``."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class SignInError(GatewayError):
    """A sign-in (or wallet-link) message was refused; nothing was changed."""

    code = "sign_in_invalid"
    status = 401


class NonceInvalidError(SignInError):
    """The message's nonce is unknown, expired or already used."""

    code = "nonce_invalid"


class MessageMalformedError(SignInError):
    """The signed bytes are not a Sign-In With Solana message."""

    code = "sign_in_message_malformed"
    status = 400


class DomainMismatchError(SignInError):
    """The message names another domain than the gateway's."""

    code = "sign_in_domain_mismatch"


class FieldMismatchError(SignInError):
    """A field of the message differs from the one the gateway issued with the nonce."""

    code = "sign_in_field_mismatch"


class MessageExpiredError(SignInError):
    """The message's Expiration Time has passed."""

    code = "sign_in_expired"


class MessageNotYetValidError(SignInError):
    """The message's Issued At (or Not Before) lies in the future."""

    code = "sign_in_not_yet_valid"


class AddressMismatchError(SignInError):
    """The message's address is not the account (public key) that claims to have signed it."""

    code = "sign_in_address_mismatch"


class SignatureInvalidError(SignInError):
    """The Ed25519 signature does not verify over the exact message bytes."""

    code = "signature_invalid"


class AuthenticationError(GatewayError):
    """No valid access token: sign in (or refresh) first."""

    code = "unauthenticated"
    status = 401


class TokenInvalidError(AuthenticationError):
    code = "token_invalid"


class TokenExpiredError(AuthenticationError):
    code = "token_expired"


class SessionRevokedError(AuthenticationError):
    """The token's session was ended (sign-out, revocation, refresh-token reuse)."""

    code = "session_revoked"


class RefreshTokenInvalidError(AuthenticationError):
    code = "refresh_token_invalid"


class RefreshTokenReusedError(AuthenticationError):
    """A refresh token that was already exchanged came back: its whole family is revoked."""

    code = "refresh_token_reused"


class ForbiddenError(GatewayError):
    """The caller's role may not use this route."""

    code = "forbidden_role"
    status = 403


class NotFoundError(GatewayError):
    code = "not_found"
    status = 404


class SessionNotFoundError(NotFoundError):
    code = "session_not_found"


class ConflictError(GatewayError):
    code = "conflict"
    status = 409


class WalletAlreadyLinkedError(ConflictError):
    code = "wallet_already_linked"


class LastWalletError(ConflictError):
    """An account's only wallet cannot be unlinked: nobody could sign in to it any more."""

    code = "last_wallet"


class EmailTokenInvalidError(GatewayError):
    """An e-mail verification token is unknown, expired, used, or for a replaced address."""

    code = "email_token_invalid"
    status = 400


class UnavailableError(GatewayError):
    """A backing service (PostgreSQL, Redis, SMTP) did not answer; retry later."""

    code = "service_unavailable"
    status = 503


class EmailDeliveryError(UnavailableError):
    code = "email_delivery_failed"


class GatewayConfigError(GatewayError):
    """A gateway setting cannot work (a short token secret, half a TLS configuration)."""

    code = "configuration_error"


# --- statements (helper C): /v1/me/statements/{YYYY-MM} and /v1/accounts/{id}/statements/...


class StatementMonthInvalidError(GatewayError):
    """The month is not ``YYYY-MM`` (e.g. ``2026-11``)."""

    code = "statement_month_invalid"
    status = 422


class StatementMonthFutureError(GatewayError):
    """The month has not started yet in the statements' local time: no statement exists."""

    code = "statement_month_in_future"
    status = 422


class StatementNotFoundError(NotFoundError):
    """No such account, or another account's statement asked for by a non-operator."""

    code = "statement_not_found"


# --- operator routes (routes/operator.py) -------------------------------------------------


class AccountDeactivatedError(GatewayError):
    """The account was deactivated by an operator: it can neither sign in nor refresh."""

    code = "account_deactivated"
    status = 403


class OperatorSelfActionError(ConflictError):
    """An operator tried to deactivate or demote their own account."""

    code = "operator_self_action"


class RolePinnedError(ConflictError):
    """The account holds a wallet listed in ``gateway.operator_wallets`` (or the chain's
    operator key): every sign-in makes it an operator again, so a demotion would not last."""

    code = "role_pinned_by_configuration"


class AccountStateUnchangedError(ConflictError):
    """The account already has that role, or is already (de)activated."""

    code = "account_state_unchanged"


class MarketParameterError(GatewayError):
    """A market parameter outside its bounds, or one that this platform cannot change."""

    code = "market_parameter_invalid"
    status = 400


class MarketFeeOnChainError(ConflictError):
    """The fee is the Trading program's ``fee_bps``, fixed by ``initialize_market``: the program
    has no instruction that changes it."""

    code = "market_fee_on_chain"


class FaucetNotLocalError(ConflictError):
    """The configured cluster is not the platform's local chain node: no faucet there."""

    code = "faucet_not_local"


class FaucetRequestError(GatewayError):
    code = "faucet_request_invalid"
    status = 400


class SimulatorUnavailableError(UnavailableError):
    """The simulator's control API did not answer."""

    code = "simulator_unavailable"


class SimulatorRefusedError(GatewayError):
    """The simulator refused the control change; ``details`` carries its own code and message."""

    code = "simulator_refused"
    status = 409


class RateLimitedError(GatewayError):
    """A client IP or signed-in wallet passed its request limit for a route class (see
    ``RateLimitSettings``); ``details.retry_after_s`` (also ``Retry-After``) says when its
    window ends. Answered by the rate-limit middleware before any route runs."""

    code = "rate_limited"
    status = 429


class MarketModeFixedError(ConflictError):
    """The matching mode is the matcher's setting (``GRIDTOKENX_MARKET__MODE``), fixed for a
    market's life: the matcher cannot switch a live book between continuous and auction."""

    code = "market_mode_fixed"


# --- notifications (routes/notifications.py) ---


class NotificationNotFoundError(NotFoundError):
    """No notification with this id belongs to the caller (another account's answers the same)."""

    code = "notification_not_found"
