"""The meter registration routes' errors (``/v1/me/meter-registrations``,
``/v1/operator/meter-registrations``), each with its stable code."""

from __future__ import annotations

from gridtokenx.gateway.errors import ConflictError, ForbiddenError, GatewayError, NotFoundError


class RegistrationNotFoundError(NotFoundError):
    """No registration request with this id for this caller (another user's looks the same)."""

    code = "meter_registration_not_found"


class RegistrationInvalidError(GatewayError):
    """A request whose values cannot be registered: a device key that is no Ed25519 point, a
    zone the grid does not have, power limits out of range."""

    code = "meter_registration_invalid"
    status = 422


class MeterAlreadyRegisteredError(ConflictError):
    """The meter id or device key belongs to a registered meter or to another open request."""

    code = "meter_already_registered"


class RegistrationStateError(ConflictError):
    """The request is not in the step this route needs (``details.status`` says where it is)."""

    code = "meter_registration_state"


class RegistrationLimitError(ConflictError):
    """The caller already has the most open requests allowed."""

    code = "meter_registration_limit"


class NonceAccountMissingError(ConflictError):
    """The setup transaction has not landed: no nonce account of this request on chain."""

    code = "meter_registration_nonce_missing"


class NonceStaleError(ConflictError):
    """The durable nonce the owner's transaction names was used or changed; the owner must
    fetch and sign the registration transaction again."""

    code = "meter_registration_nonce_stale"


class RegistrationTransactionMismatchError(GatewayError):
    """The signed transaction's message differs from the one the gateway prepared."""

    code = "meter_registration_transaction_mismatch"
    status = 422


class NotRegistryAuthorityError(ForbiddenError):
    """The approving operator's account holds no wallet that is the Registry operator
    authority, whose co-signature ``register_meter`` needs."""

    code = "not_registry_authority"


class RegistrationChainMismatchError(ConflictError):
    """The meter account on chain differs from the request (owner, device key, zone, kind)."""

    code = "meter_registration_chain_mismatch"
