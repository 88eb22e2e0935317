"""The simulated fleet's identities on chain: each meter's owner wallet (the simulator holds the
owners' keys as their stand-in), device key, on-chain kind, zone and the owner's role.

Minting registers these meters and their owners; the trading agents trade as these owners.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.registry.accounts import MeterKind, UserRole
from gridtokenx.simulator import kinds as simulator_kinds
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.signing import derive_owner_key_seed

CHAIN_KIND: dict[simulator_kinds.MeterKind, MeterKind] = {
    simulator_kinds.MeterKind.CONSUMER: MeterKind.CONSUMER,
    simulator_kinds.MeterKind.SOLAR_PROSUMER: MeterKind.SOLAR,
    simulator_kinds.MeterKind.BATTERY_PROSUMER: MeterKind.SOLAR_BATTERY,
    simulator_kinds.MeterKind.EV_CHARGER: MeterKind.EV_CHARGER,
}
_EXPORTING_KINDS = frozenset({MeterKind.SOLAR, MeterKind.SOLAR_BATTERY})


@dataclass(frozen=True, slots=True)
class SimulatedMeter:
    meter_id: uuid.UUID
    fleet_seed: int
    meter_index: int
    device_pubkey: Pubkey
    kind: MeterKind
    zone: int

    @property
    def owner(self) -> Keypair:
        return owner_keypair(self.fleet_seed, self.meter_index)

    @property
    def role(self) -> UserRole:
        return UserRole.PROSUMER if self.kind in _EXPORTING_KINDS else UserRole.CONSUMER


def owner_keypair(fleet_seed: int, meter_index: int) -> Keypair:
    """The wallet of the simulated owner of meter ``meter_index`` of fleet ``fleet_seed``."""
    return Keypair.from_seed(derive_owner_key_seed(fleet_seed, meter_index))


def simulated_meters(fleet: Fleet) -> list[SimulatedMeter]:
    seed = fleet.config.seed
    return [
        SimulatedMeter(
            meter_id=uuid.UUID(bytes=fleet.meter_ids[index].tobytes()),
            fleet_seed=seed,
            meter_index=index,
            device_pubkey=Pubkey.from_bytes(fleet.keyring.public_keys[index].tobytes()),
            kind=CHAIN_KIND[simulator_kinds.MeterKind(int(fleet.kinds[index]))],
            zone=int(fleet.topology.meter_zone[index]),
        )
        for index in range(fleet.config.meter_count)
    ]
