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
