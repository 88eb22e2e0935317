"""The smart-meter simulator's pure core: a seeded fleet of meters advanced in bulk with numpy.

A :class:`Fleet` holds meters of four kinds (:class:`MeterKind`: consumers, solar prosumers,
prosumers with a home battery, households with an EV charger) in the shares of a :class:`KindMix`,
placed on a grid of substations, feeders and zones around a site (:class:`SiteConfig`,
:class:`TopologyConfig`). ``Fleet.tick(timestamp_ms, interval_ms)`` advances every meter over one
interval and returns :class:`FleetReadings`: the energy flows, the cumulative registers and one
buffer of 56-byte reading messages (:mod:`gridtokenx.telemetry.reading`) with one buffer of Ed25519
signatures, each made with the meter's own key. A tick is ``Fleet.measure`` (the physics, unsigned)
then ``Fleet.sign``. :class:`SimulationClock` makes the ticks for real-time, accelerated and replay
runs; the loop that paces and publishes them is I/O and lives elsewhere.

Models (one module each): PV from pvlib (clear sky per tick for the site, clouds per zone,
per-panel tilt, azimuth and cell-temperature derate: ``solar``, ``weather``); household and
commercial load with weekday and weekend shapes and noise (``load``); battery self-consumption
(``battery``); EV sessions (``ev``); registers (``registers``); keys and signing (``signing``).

Guarantees, for every meter and every tick:

- deterministic: the same config (seed included) and the same ticks give the same bytes;
- energy balance: ``pv + import + battery_discharge == load + export + battery_charge``, where
  only one of import and export is non-zero (float rounding aside);
- registers are ``int`` Wh and never decrease; each equals the floor of the exact cumulative
  energy, the sub-Wh remainder being carried to the next tick;
- ``0 <= pv <= capacity`` and zero with the sun below the horizon; ``0 <= ev <= charger power``;
  battery power within its limit and ``reserve <= state of charge <= capacity``; a battery
  never charges from or discharges into the grid.

Limits: one sun position for the whole site; no daylight saving or public holidays; ticks must
tile time and be at most an hour long; weather is synthetic, not a forecast or a record.
Signing is the cost that dominates a tick (one Ed25519 signature per meter, by the native
signer over the whole tick's buffer; see ``bench/simulator.py``).
"""

from __future__ import annotations

from gridtokenx.simulator.clock import SimulationClock, Tick
from gridtokenx.simulator.config import FleetConfig, KindMix, SiteConfig, TopologyConfig
from gridtokenx.simulator.errors import FleetConfigError, SimulatorError, TickError
from gridtokenx.simulator.fleet import Fleet, FleetMeasurement, FleetReadings
from gridtokenx.simulator.kinds import MeterKind
from gridtokenx.simulator.signing import MeterKeyring, derive_key_seed

__all__ = [
    "Fleet",
    "FleetConfig",
    "FleetConfigError",
    "FleetMeasurement",
    "FleetReadings",
    "KindMix",
    "MeterKeyring",
    "MeterKind",
    "SimulationClock",
    "SimulatorError",
    "SiteConfig",
    "Tick",
    "TickError",
    "TopologyConfig",
    "derive_key_seed",
]
