"""The energy and grid routes' errors (``/v1/me/meters``, ``/v1/meters``, ``/v1/readings``,
``/v1/grid``), each with its stable ``code``; the shared kinds are in :mod:`.errors`."""

from __future__ import annotations

from gridtokenx.gateway.errors import (
    GatewayError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)


class MeterNotFoundError(NotFoundError):
    """No such meter, or not one the caller may see (both answer alike: no probing for ids)."""

    code = "meter_not_found"


class GridTopologyUnknownError(NotFoundError):
    """No simulator scenario is stored, so there is no grid to draw."""

    code = "grid_topology_unknown"


class ReadingRejectedError(GatewayError):
    """A reading of a batch is not acceptable (malformed message, unknown or inactive meter);
    ``details.index`` names it. Nothing of the batch was produced."""

    code = "reading_rejected"
    status = 422


class ReadingSignatureError(GatewayError):
    """A reading's Ed25519 signature does not verify against its meter's registered device
    key (the device signature is the batch route's credential). Nothing was produced."""

    code = "reading_signature_invalid"
    status = 401


class MeterRateLimitedError(RateLimitedError):
    """A meter posted more readings than its window allows; ``details.retry_after_s`` (also the
    ``Retry-After`` header) says when its next window opens. Nothing of the batch was produced.
    The same code as every other rate limit (``rate_limited``, 429)."""


class ReadingsNotAcknowledgedError(UnavailableError):
    """Kafka did not acknowledge the batch in time. Sending it again is safe: ingestion takes
    a reading once (its registers must move forward)."""

    code = "readings_not_acknowledged"


class RangeInvalidError(GatewayError):
    """A time range whose end is not after its start, or that is longer than the route allows."""

    code = "range_invalid"
    status = 422
