"""The simulated owners' keys and how simulator meters map onto Registry meters."""

from __future__ import annotations

import hashlib

from gridtokenx.chain.registry.accounts import MeterKind, UserRole
from gridtokenx.simulator import kinds as simulator_kinds
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.owners import CHAIN_KIND, owner_keypair, simulated_meters
from gridtokenx.simulator.signing import derive_key_seed, derive_owner_key_seed


def test_owner_seeds_are_tagged_hashes_apart_from_device_seeds() -> None:
    expected = hashlib.sha256(
        b"GRIDTOKENX:OWN:1" + (7).to_bytes(8, "little") + (3).to_bytes(8, "little")
    ).digest()
    assert derive_owner_key_seed(7, 3) == expected
    assert derive_owner_key_seed(7, 3) != derive_key_seed(7, 3)
    assert owner_keypair(7, 3).pubkey() == owner_keypair(7, 3).pubkey()
    assert owner_keypair(7, 3).pubkey() != owner_keypair(7, 4).pubkey()


def test_every_simulator_kind_maps_to_its_registry_kind() -> None:
    assert set(CHAIN_KIND) == set(simulator_kinds.MeterKind)
    assert CHAIN_KIND[simulator_kinds.MeterKind.SOLAR_PROSUMER] is MeterKind.SOLAR
    assert CHAIN_KIND[simulator_kinds.MeterKind.CONSUMER] is MeterKind.CONSUMER


def test_a_fleets_meters_carry_their_ids_device_keys_and_owner_roles() -> None:
    fleet = Fleet(FleetConfig(meter_count=40, seed=3))
    meters = simulated_meters(fleet)
    assert [meter.meter_id.bytes for meter in meters] == [row.tobytes() for row in fleet.meter_ids]
    for index, meter in enumerate(meters):
        assert bytes(meter.device_pubkey) == fleet.keyring.public_keys[index].tobytes()
        exporting = meter.kind in (MeterKind.SOLAR, MeterKind.SOLAR_BATTERY)
        assert meter.role is (UserRole.PROSUMER if exporting else UserRole.CONSUMER)
    assert {meter.kind for meter in meters} == set(MeterKind)
