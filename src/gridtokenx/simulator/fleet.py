"""A fleet of smart meters that advances in bulk, one numpy operation per model per tick.

State lives in arrays over all meters (or over the meters that have a given device: PV panels,
batteries, EV chargers) and each tick runs each model once over its array; there is no Python
loop per meter; signing hands the tick's whole message buffer to the native signer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from gridtokenx.core.ids import meter_id_from_bytes
from gridtokenx.simulator.battery import BatteryBank
from gridtokenx.simulator.clock import MAX_TICK_INTERVAL_MS
from gridtokenx.simulator.config import FleetConfig, KindMix
from gridtokenx.simulator.errors import TickError
from gridtokenx.simulator.ev import EvChargers
from gridtokenx.simulator.kinds import MeterKind
from gridtokenx.simulator.load import LoadModel
from gridtokenx.simulator.localtime import is_weekend, local_hour
from gridtokenx.simulator.registers import EnergyRegister
from gridtokenx.simulator.signing import MeterKeyring
from gridtokenx.simulator.solar import PvPanels, pv_power_w, site_sky
from gridtokenx.simulator.streams import Stream, rng_for
from gridtokenx.simulator.topology import GridTopology, build_topology
from gridtokenx.simulator.weather import Weather, clear_sky_index
from gridtokenx.telemetry.reading import (
    READING_MESSAGE_LEN,
    SIGNATURE_LEN,
    ReadingMessage,
    SignedReading,
    encode_readings,
)

HOUSEHOLD_PV_W_RANGE: Final = (3_000.0, 10_000.0)
COMMERCIAL_PV_W_RANGE: Final = (20_000.0, 60_000.0)
PV_TILT_DEG_RANGE: Final = (5.0, 30.0)
PV_AZIMUTH_SD_DEG: Final = 50.0
_PV_KINDS: Final = (MeterKind.SOLAR_PROSUMER, MeterKind.BATTERY_PROSUMER)


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetMeasurement:
    """What every meter measured over one tick, and its unsigned reading messages.

    Energies are the tick's flows in Wh (float, the physics); registers are the cumulative
    integer registers after the tick, which the messages carry. Per meter,
    ``pv_wh + import_wh + battery_discharge_wh == load_wh + export_wh + battery_charge_wh``
    (float rounding aside); ``load_wh`` includes ``ev_wh``.
    """

    timestamp_ms: int
    interval_ms: int
    pv_wh: npt.NDArray[np.float64]
    load_wh: npt.NDArray[np.float64]
    ev_wh: npt.NDArray[np.float64]
    battery_charge_wh: npt.NDArray[np.float64]
    battery_discharge_wh: npt.NDArray[np.float64]
    battery_soc_wh: npt.NDArray[np.float64]
    import_wh: npt.NDArray[np.float64]
    export_wh: npt.NDArray[np.float64]
    import_register_wh: npt.NDArray[np.int64]
    export_register_wh: npt.NDArray[np.int64]
    messages: bytes
    """``n`` reading messages of 56 bytes, meter ``i`` at ``[56 * i, 56 * (i + 1))``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetReadings(FleetMeasurement):
    """A tick's measurement with every message signed by its meter's key."""

    signatures: bytes
    """``n`` Ed25519 signatures of 64 bytes, in the same order."""
    public_keys: npt.NDArray[np.uint8]
    """``(n, 32)`` device public keys."""

    def signed_reading(self, index: int) -> SignedReading:
        """Meter ``index``'s reading as a :class:`SignedReading`."""
        message = self.messages[index * READING_MESSAGE_LEN : (index + 1) * READING_MESSAGE_LEN]
        return SignedReading(
            message=ReadingMessage(
                meter_id=meter_id_from_bytes(message[16:32]),
                export_wh=int(self.export_register_wh[index]),
                import_wh=int(self.import_register_wh[index]),
                timestamp_ms=self.timestamp_ms,
            ),
            public_key=self.public_keys[index].tobytes(),
            signature=self.signatures[index * SIGNATURE_LEN : (index + 1) * SIGNATURE_LEN],
        )


class Fleet:
    """Meters of every kind on a grid; ``tick`` advances them all over one interval."""

    def __init__(self, config: FleetConfig) -> None:
        count = config.meter_count
        seed = config.seed
        self.config = config
        self.topology: GridTopology = build_topology(
            config.site, config.topology, count, rng_for(seed, Stream.TOPOLOGY)
        )
        kinds_rng = rng_for(seed, Stream.KINDS)
        self.kinds: npt.NDArray[np.uint8] = _assign_kinds(config.mix, count, kinds_rng)
        self.commercial: npt.NDArray[np.bool_] = np.isin(
            self.kinds, [MeterKind.CONSUMER, MeterKind.SOLAR_PROSUMER]
        ) & (kinds_rng.random(count) < config.commercial_share)
        self.meter_ids: npt.NDArray[np.uint8] = _meter_ids(rng_for(seed, Stream.METER_IDS), count)

        equipment_rng = rng_for(seed, Stream.EQUIPMENT)
        self._pv_index = np.flatnonzero(np.isin(self.kinds, _PV_KINDS))
        self._panels = _pv_panels(
            self.commercial[self._pv_index],
            self.topology.meter_zone[self._pv_index],
            config.site.latitude_deg,
            equipment_rng,
        )
        self._battery_index = np.flatnonzero(self.kinds == MeterKind.BATTERY_PROSUMER)
        self._batteries = BatteryBank(self._battery_index.size, equipment_rng)
        self._ev_index = np.flatnonzero(self.kinds == MeterKind.EV_CHARGER)
        self._chargers = EvChargers(
            self._ev_index.size, config.site.utc_offset_h, rng_for(seed, Stream.EV_SESSIONS)
        )
        self._load = LoadModel(self.commercial, rng_for(seed, Stream.LOAD_NOISE))
        self._weather = Weather(config.site, seed, config.topology.zone_count)
        self._imports = EnergyRegister(count)
        self._exports = EnergyRegister(count)
        self.keyring = MeterKeyring(seed, count, config.signing_threads)
        self._last_timestamp_ms: int | None = None

    @property
    def pv_capacity_w(self) -> npt.NDArray[np.float64]:
        """Inverter rating of every meter's PV system (0 without PV)."""
        return self._scatter(self._pv_index, self._panels.capacity_w)

    @property
    def ev_charger_w(self) -> npt.NDArray[np.float64]:
        """Rated power of every meter's EV charger (0 without one)."""
        return self._scatter(self._ev_index, self._chargers.charger_w)

    @property
    def battery_capacity_wh(self) -> npt.NDArray[np.float64]:
        """Usable top of every meter's battery (0 without one)."""
        return self._scatter(self._battery_index, self._batteries.capacity_wh)

    @property
    def battery_reserve_wh(self) -> npt.NDArray[np.float64]:
        """State of charge below which every meter's battery does not discharge (0 without)."""
        return self._scatter(self._battery_index, self._batteries.reserve_wh)

    @property
    def battery_power_w(self) -> npt.NDArray[np.float64]:
        """Charge and discharge power limit of every meter's battery (0 without one)."""
        return self._scatter(self._battery_index, self._batteries.power_w)

    def tick(self, timestamp_ms: int, interval_ms: int) -> FleetReadings:
        """Advance every meter over ``(timestamp_ms - interval_ms, timestamp_ms]`` and sign.

        Ticks must tile time: each starts where the previous one ended. Raises TickError if not,
        or if ``interval_ms`` is outside 1..3,600,000.
        """
        return self.sign(self.measure(timestamp_ms, interval_ms))

    def sign(self, measurement: FleetMeasurement) -> FleetReadings:
        """``measurement`` with each message signed by its meter (the costly half of a tick)."""
        return FleetReadings(
            **{name: getattr(measurement, name) for name in FleetMeasurement.__dataclass_fields__},
            signatures=self.keyring.sign(measurement.messages, READING_MESSAGE_LEN),
            public_keys=self.keyring.public_keys,
        )

    def measure(self, timestamp_ms: int, interval_ms: int) -> FleetMeasurement:
        """Advance every meter over ``(timestamp_ms - interval_ms, timestamp_ms]``, unsigned.

        Same rules as :meth:`tick`; each interval is measured once, signed or not.
        """
        start_ms = self._check_tick(timestamp_ms, interval_ms)
        site = self.config.site
        dt_s = interval_ms / 1000
        to_wh = dt_s / 3600
        middle_ms = start_ms + interval_ms // 2
        middle_s = middle_ms / 1000

        load_w = self._load.power_w(
            local_hour(middle_ms, site.utc_offset_h), is_weekend(middle_ms, site.utc_offset_h), dt_s
        )
        ev_w = self._scatter(self._ev_index, self._chargers.power_w(start_ms, timestamp_ms))
        load_w += ev_w

        zone_index = clear_sky_index(self._weather.cloud_cover(middle_s))
        sky = site_sky(site, middle_s)
        pv_w = self._scatter(
            self._pv_index,
            pv_power_w(self._panels, sky, zone_index, self._weather.air_temp_c(middle_s)),
        )

        batteries = self._battery_index
        charge_part_w, discharge_part_w = self._batteries.dispatch(
            pv_w[batteries] - load_w[batteries], dt_s
        )
        charge_w = self._scatter(batteries, charge_part_w)
        discharge_w = self._scatter(batteries, discharge_part_w)

        net_w = load_w + charge_w - pv_w - discharge_w
        import_wh = np.maximum(net_w, 0.0) * to_wh
        export_wh = np.maximum(-net_w, 0.0) * to_wh
        self._imports.add(import_wh)
        self._exports.add(export_wh)
        self._last_timestamp_ms = timestamp_ms

        messages = encode_readings(
            meter_ids=self.meter_ids,
            export_wh=self._exports.total_wh,
            import_wh=self._imports.total_wh,
            timestamp_ms=timestamp_ms,
        )
        return FleetMeasurement(
            timestamp_ms=timestamp_ms,
            interval_ms=interval_ms,
            pv_wh=pv_w * to_wh,
            load_wh=load_w * to_wh,
            ev_wh=ev_w * to_wh,
            battery_charge_wh=charge_w * to_wh,
            battery_discharge_wh=discharge_w * to_wh,
            battery_soc_wh=self._scatter(batteries, self._batteries.soc_wh),
            import_wh=import_wh,
            export_wh=export_wh,
            import_register_wh=self._imports.total_wh.copy(),
            export_register_wh=self._exports.total_wh.copy(),
            messages=messages,
        )

    def _check_tick(self, timestamp_ms: int, interval_ms: int) -> int:
        if not 0 < interval_ms <= MAX_TICK_INTERVAL_MS:
            raise TickError(
                f"tick interval_ms={interval_ms} must be in 1..{MAX_TICK_INTERVAL_MS}; "
                "split longer spans into several ticks"
            )
        start_ms = timestamp_ms - interval_ms
        if start_ms < 0:
            raise TickError(f"tick starting at {start_ms} ms is before 1970; use unix ms")
        last = self._last_timestamp_ms
        if last is not None and start_ms != last:
            raise TickError(
                f"tick ({start_ms}, {timestamp_ms}] does not start where the previous tick "
                f"ended ({last}); ticks must tile time (use SimulationClock to make them)"
            )
        return start_ms

    def _scatter(
        self, index: npt.NDArray[np.intp], values: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """A fleet-wide array holding ``values`` at ``index`` and zero elsewhere."""
        full = np.zeros(self.config.meter_count)
        full[index] = values
        return full


def _assign_kinds(mix: KindMix, count: int, rng: np.random.Generator) -> npt.NDArray[np.uint8]:
    """Kinds in the shares of ``mix`` (largest remainder rounding), in random order."""
    shares = mix.shares()
    exact = np.array(list(shares.values())) * count
    counts = np.floor(exact).astype(np.int64)
    shortfall = count - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:shortfall]] += 1
    kinds = np.repeat(np.array(list(shares), dtype=np.uint8), counts)
    permuted: npt.NDArray[np.uint8] = rng.permutation(kinds)
    return permuted


def _meter_ids(rng: np.random.Generator, count: int) -> npt.NDArray[np.uint8]:
    """Random UUIDs marked version 8 (RFC 9562 custom), so never nil or max."""
    ids = np.frombuffer(rng.bytes(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    ids[:, 6] = (ids[:, 6] & 0x0F) | 0x80
    ids[:, 8] = (ids[:, 8] & 0x3F) | 0x80
    return ids


def _pv_panels(
    commercial: npt.NDArray[np.bool_],
    zone: npt.NDArray[np.int32],
    latitude_deg: float,
    rng: np.random.Generator,
) -> PvPanels:
    """Panels facing the equator on average, spread over roof orientations."""
    size = commercial.size
    capacity_w = np.where(
        commercial,
        rng.uniform(*COMMERCIAL_PV_W_RANGE, size),
        rng.uniform(*HOUSEHOLD_PV_W_RANGE, size),
    )
    equator_azimuth_deg = 180.0 if latitude_deg >= 0 else 0.0
    azimuth_deg = (rng.normal(equator_azimuth_deg, PV_AZIMUTH_SD_DEG, size)) % 360.0
    return PvPanels(
        capacity_w=capacity_w,
        tilt_deg=rng.uniform(*PV_TILT_DEG_RANGE, size),
        azimuth_deg=azimuth_deg,
        zone=zone,
    )
