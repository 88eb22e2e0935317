"""The runner's views as API bodies."""

from __future__ import annotations

from dataclasses import asdict

from gridtokenx.core.ids import meter_id_from_bytes
from gridtokenx.simulator.api.models import (
    FaultBody,
    FeederFlows,
    FleetBody,
    FlowsBody,
    GridBody,
    KindMixBody,
    MeterBody,
    RunStatusBody,
    ScenarioBody,
    StreamFrame,
    StreamMeter,
    ZoneFlows,
)
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.faults import FaultRule
from gridtokenx.simulator.grid import GridStatus
from gridtokenx.simulator.runner import RunStatus, TickReport
from gridtokenx.simulator.scenario import Scenario
from gridtokenx.simulator.views import MeterView


def fleet_body(config: FleetConfig) -> FleetBody:
    return FleetBody(
        meter_count=config.meter_count, seed=config.seed, mix=KindMixBody(**asdict(config.mix))
    )


def scenario_body(scenario: Scenario) -> ScenarioBody:
    return ScenarioBody(
        fleet=fleet_body(scenario.fleet),
        mode=scenario.mode,
        speed=scenario.speed,
        interval_ms=scenario.interval_ms,
        start_ms=scenario.start_ms,
        end_ms=scenario.end_ms,
        paced=scenario.paced,
    )


def run_status_body(status: RunStatus) -> RunStatusBody:
    run = status.run
    scenario = run.scenario
    return RunStatusBody(
        state=run.state,
        mode=scenario.mode,
        speed=scenario.speed,
        interval_ms=scenario.interval_ms,
        start_ms=scenario.start_ms,
        end_ms=scenario.end_ms,
        position_ms=run.position_ms,
        ticks_published=status.ticks_published,
        records_published=status.records_published,
        faults_injected=status.faults_injected,
        last_error=status.last_error,
    )


def meter_body(view: MeterView) -> MeterBody:
    return MeterBody(**asdict(view))


def grid_body(grid: GridStatus) -> GridBody:
    return GridBody(
        timestamp_ms=grid.timestamp_ms,
        total=FlowsBody(**asdict(grid.total)),
        zones=[
            ZoneFlows(zone=zone, feeder=grid.zone_feeder[zone], **asdict(flows))
            for zone, flows in enumerate(grid.zones)
        ],
        feeders=[
            FeederFlows(feeder=feeder, substation=grid.feeder_substation[feeder], **asdict(flows))
            for feeder, flows in enumerate(grid.feeders)
        ],
    )


def fault_body(rule: FaultRule, meter_ids: list[bytes]) -> FaultBody:
    spec = rule.spec
    return FaultBody(
        rule_id=rule.rule_id,
        kind=spec.kind,
        ticks=spec.ticks,
        remaining_ticks=rule.remaining_ticks,
        meter_ids=[str(meter_id_from_bytes(meter_ids[i])) for i in spec.meter_indices],
        share=spec.share,
        skew_ms=spec.skew_ms,
    )


def stream_frame(report: TickReport, dropped_frames: int) -> StreamFrame:
    return StreamFrame(
        timestamp_ms=report.readings.timestamp_ms,
        records_sent=len(report.records),
        grid=grid_body(report.grid),
        meters=[
            StreamMeter(
                meter_id=view.meter_id,
                export_register_wh=view.export_register_wh,
                import_register_wh=view.import_register_wh,
                pv_w=view.pv_w,
                load_w=view.load_w,
                import_w=view.import_w,
                export_w=view.export_w,
                fault=view.fault,
            )
            for view in report.meters
        ],
        dropped_frames=dropped_frames,
    )
