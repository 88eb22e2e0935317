"""Request and response bodies of the simulator's control API (units in the field names)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from gridtokenx.simulator.clock import MAX_SPEEDUP, MIN_SPEEDUP
from gridtokenx.simulator.faults import DEFAULT_SKEW_MS, FaultKind
from gridtokenx.simulator.scenario import RunMode, RunState


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorBody(Body):
    """Every error answer: ``error`` names the error class, ``detail`` says what to do."""

    error: str
    detail: str


class Health(Body):
    status: str = "ok"


class KindMixBody(Body):
    """Shares of each meter kind; they must add up to 1."""

    consumer: float = Field(default=0.45, ge=0, le=1)
    solar_prosumer: float = Field(default=0.35, ge=0, le=1)
    battery_prosumer: float = Field(default=0.10, ge=0, le=1)
    ev_charger: float = Field(default=0.10, ge=0, le=1)


class FleetBody(Body):
    meter_count: int = Field(ge=1, le=100_000)
    seed: int = Field(ge=0, le=2**64 - 1)
    mix: KindMixBody


class FleetRequest(Body):
    """A new fleet: a new run from the default start. Without ``seed``: the current seed + 1,
    so that the new meters' ids do not clash with those already commissioned."""

    meter_count: int = Field(ge=1, le=100_000)
    mix: KindMixBody = KindMixBody()
    seed: int | None = Field(default=None, ge=0, le=2**64 - 1)


class ScenarioBody(Body):
    fleet: FleetBody
    mode: RunMode
    speed: float = Field(gt=0, description="simulated seconds per wall second")
    interval_ms: int = Field(ge=1, le=3_600_000)
    start_ms: int = Field(ge=0, description="simulation start = commissioning time, unix ms")
    end_ms: int | None = Field(default=None, description="replay end (exclusive), unix ms")
    paced: bool = Field(default=False, description="replay at `speed` instead of at once")


class ScenarioRequest(Body):
    """A new run. Omitted: ``start_ms`` → the mode's default (now, or the lookback ago);
    ``end_ms`` of a replay → now; ``seed`` → the current seed + 1."""

    meter_count: int = Field(ge=1, le=100_000)
    mix: KindMixBody = KindMixBody()
    seed: int | None = Field(default=None, ge=0, le=2**64 - 1)
    mode: RunMode
    speed: float = Field(default=60.0, ge=MIN_SPEEDUP, le=MAX_SPEEDUP)
    interval_ms: int = Field(default=60_000, ge=1, le=3_600_000)
    start_ms: int | None = Field(default=None, ge=0)
    end_ms: int | None = Field(default=None, ge=1)
    paced: bool = False


class RunStatusBody(Body):
    state: RunState
    mode: RunMode
    speed: float
    interval_ms: int
    start_ms: int
    end_ms: int | None
    position_ms: int
    """End of the last published tick (the run's simulated now)."""
    ticks_published: int
    records_published: int
    faults_injected: dict[FaultKind, int]
    last_error: str | None


class StepRequest(Body):
    ticks: int = Field(default=1, ge=1, le=100_000)


class SpeedRequest(Body):
    speed: float = Field(
        ge=MIN_SPEEDUP, le=MAX_SPEEDUP, description="simulated seconds per wall second"
    )


class WeatherBody(Body):
    cloud_cover_mean: float = Field(ge=0, le=1, description="0 clear sky, 1 overcast")
    cloud_variability: float = Field(ge=0, le=1)


class MeterBody(Body):
    meter_id: str
    index: int
    kind: str
    zone: int
    feeder: int
    latitude_deg: float
    longitude_deg: float
    export_register_wh: int
    import_register_wh: int
    pv_w: float
    load_w: float
    import_w: float
    export_w: float
    fault: FaultKind | None


class MeterList(Body):
    position_ms: int
    meters: list[MeterBody]


class FlowsBody(Body):
    """Average power over the latest tick (W) and energy since the run started (Wh)."""

    pv_w: float
    load_w: float
    import_w: float
    export_w: float
    pv_wh: int
    load_wh: int
    import_wh: int
    export_wh: int


class ZoneFlows(FlowsBody):
    zone: int
    feeder: int


class FeederFlows(FlowsBody):
    feeder: int
    substation: int


class GridBody(Body):
    timestamp_ms: int
    total: FlowsBody
    zones: list[ZoneFlows]
    feeders: list[FeederFlows]


class FaultRequest(Body):
    """A fault for ``ticks`` ticks, to the meters named (ids) or to a random ``share``."""

    kind: FaultKind
    ticks: int = Field(default=1, ge=1, le=1_000_000)
    meter_ids: list[uuid.UUID] = Field(default_factory=list)
    share: float = Field(default=0.0, ge=0, le=1)
    skew_ms: int = Field(default=DEFAULT_SKEW_MS, ge=1, description="clock_skew only")


class FaultBody(Body):
    rule_id: int
    kind: FaultKind
    ticks: int
    remaining_ticks: int
    meter_ids: list[str]
    share: float
    skew_ms: int


class StreamMeter(Body):
    meter_id: str
    export_register_wh: int
    import_register_wh: int
    pv_w: float
    load_w: float
    import_w: float
    export_w: float
    fault: FaultKind | None


class StreamFrame(Body):
    """One frame of ``/v1/stream`` per published tick."""

    timestamp_ms: int
    records_sent: int
    grid: GridBody
    meters: list[StreamMeter]
    dropped_frames: int
    """Frames this client missed so far because it read too slowly."""
