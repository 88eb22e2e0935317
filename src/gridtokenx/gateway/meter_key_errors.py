"""The device-key rotation routes' errors (``/v1/operator/meters/{meter_id}/key-rotation``),
each with its stable code (an unknown meter: ``energy_errors.MeterNotFoundError``)."""

from __future__ import annotations

from gridtokenx.gateway.errors import ConflictError, GatewayError


class MeterKeyInvalidError(GatewayError):
    """The new device key is no base58 Ed25519 public key, or is the meter's current key."""

    code = "meter_key_invalid"
    status = 422


class MeterNotOnChainError(ConflictError):
    """The meter has no Registry account on chain (it was never registered there)."""

    code = "meter_not_on_chain"


class MeterKeyTransactionMismatchError(GatewayError):
    """The signed transaction is not the rotation the gateway prepares for this meter and key."""

    code = "meter_key_transaction_mismatch"
    status = 422


class MeterKeyChainMismatchError(ConflictError):
    """The rotation landed but the meter account on chain does not hold the new key."""

    code = "meter_key_chain_mismatch"
