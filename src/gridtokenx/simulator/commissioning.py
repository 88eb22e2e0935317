"""Commission a simulated fleet's meters in PostgreSQL, so that ingestion accepts their readings.

Each meter is recorded with its kind, device key, zone and limits (:mod:`.limits`) and a
watermark of zero registers at the run's start. ``meters.kind`` counts from 1, so the stored
kind is ``MeterKind + 1``.
"""

from __future__ import annotations

from gridtokenx.core.ids import meter_id_from_bytes
from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.limits import meter_limits
from gridtokenx.telemetry.repository import TelemetryRepository


class MeterClashError(SimulatorError):
    """A new run's meter ids are already commissioned with readings of an earlier run."""


class FleetCommissioner:
    """Commissions fleets through the ingestion side's :class:`TelemetryRepository`."""

    def __init__(self, repository: TelemetryRepository) -> None:
        self._repository = repository

    def commission(self, fleet: Fleet, start_ms: int, *, fresh: bool) -> None:
        """Record every meter of ``fleet`` (idempotent).

        ``fresh``: the run has published nothing yet, so a meter that already reported (an
        earlier run of the same seed) would see its registers go back; that raises
        MeterClashError instead.
        """
        ids = [meter_id_from_bytes(raw.tobytes()) for raw in fleet.meter_ids]
        if fresh:
            _, watermarks = self._repository.load_meters(ids)
            reported = {
                meter_id: mark
                for meter_id, mark in watermarks.items()
                if (mark.timestamp_ms, mark.export_wh, mark.import_wh) != (start_ms, 0, 0)
            }
            if reported:
                meter_id, mark = next(iter(reported.items()))
                raise MeterClashError(
                    f"{len(reported)} meters of seed {fleet.config.seed} already reported in an "
                    f"earlier run (meter {meter_id} up to {mark.timestamp_ms} ms); start the new "
                    "run with another seed (PUT /v1/fleet with a new seed)"
                )
        limits = meter_limits(fleet)
        for index, meter_id in enumerate(ids):
            self._repository.commission_meter(
                meter_id,
                kind=int(fleet.kinds[index]) + 1,
                device_pubkey=fleet.keyring.public_keys[index].tobytes(),
                max_export_w=int(limits.max_export_w[index]),
                max_import_w=int(limits.max_import_w[index]),
                commissioned_at_ms=start_ms,
                zone_id=int(fleet.topology.meter_zone[index]),
            )
