"""Errors of the order routes (``/v1/orders/...``, ``/v1/transactions/submit``, ``/v1/me/...``).

Each has a stable ``code``; ``details`` carries what a client needs to fix the request (the
bounds that were broken, what a balance holds and what the order needs).
"""

from __future__ import annotations

from gridtokenx.gateway.errors import ConflictError, GatewayError, NotFoundError, UnavailableError


class OrderRequestError(GatewayError):
    """An order the gateway will not prepare: it could never be placed as asked."""

    code = "order_invalid"
    status = 422


class PriceOutOfBoundsError(OrderRequestError):
    """The price is below the minimum, above the maximum, or not a whole number of ticks."""

    code = "price_out_of_bounds"


class QuantityOutOfBoundsError(OrderRequestError):
    """The quantity is below the minimum, above the maximum, or not a whole number of lots."""

    code = "quantity_out_of_bounds"


class ExpiryOutOfBoundsError(OrderRequestError):
    """The expiry is not after now or lies further ahead than ``orders.max_expiry_s``."""

    code = "expiry_out_of_bounds"


class InsufficientBalanceError(OrderRequestError):
    """The wallet holds less than the transaction needs; ``details`` names the asset (``sol``,
    ``gxt`` or ``usdc``), the base units ``needed`` and ``held``."""

    code = "insufficient_balance"


class OrderNotFoundError(NotFoundError):
    """No open order of the caller's at that address (another user's order looks the same)."""

    code = "order_not_found"


class NothingToClaimError(ConflictError):
    """The order has no claimable GXT or USDC and is not completely filled."""

    code = "nothing_to_claim"


class OrderIdsExhaustedError(ConflictError):
    """Every order id tried for this wallet is taken: retry in a moment."""

    code = "order_id_unavailable"


class CursorInvalidError(GatewayError):
    """A pagination cursor that this gateway did not issue (or for another listing)."""

    code = "cursor_invalid"
    status = 422


class TransactionRefusedError(GatewayError):
    """A submitted transaction the gateway will not relay (it is not an open RPC proxy)."""

    code = "transaction_not_allowed"
    status = 422


class TransactionMalformedError(TransactionRefusedError):
    """The body is not base64 of one serialized Solana transaction (legacy or v0)."""

    code = "transaction_malformed"
    status = 400


class TransactionSignerError(TransactionRefusedError):
    """The transaction is not signed by (only) the caller's wallet, or a signature is missing
    or does not verify."""

    code = "transaction_signer_invalid"
    status = 403


class TransactionRejectedError(GatewayError):
    """The cluster refused the transaction (simulation or on chain); ``details.error`` names the
    Trading error (``InsufficientFunds``, ``OrderExpired``, ...) or the cluster's reason."""

    code = "transaction_rejected"
    status = 409


class ChainUnavailableError(UnavailableError):
    """The cluster did not answer, or the chain is not bootstrapped (no addresses file)."""

    code = "chain_unavailable"
