"""Who trades: one agent per simulated owner, holding the owner's (simulated) keypair.

The simulator stands in for each meter's owner; the owner's wallet key is derived from the
fleet seed and the meter's index (``gridtokenx.minting.registration.owner_keypair``), the same
key the minting service registered on chain and mints GXT to. Solar and solar+battery sites are
prosumers; load-only sites and EV chargers are consumers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.agents.strategy import AgentRole
from gridtokenx.chain.registry.accounts import UserRole
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.owners import simulated_meters


@dataclass(frozen=True, slots=True)
class Agent:
    name: str
    keypair: Keypair
    owner: Pubkey
    """``keypair.pubkey()``, computed once (solders re-derives it on every call)."""
    role: AgentRole
    meter_id: uuid.UUID | None = None
    """The meter whose import is a consumer's deficit (None: no deficit source)."""

    @classmethod
    def of(
        cls, name: str, keypair: Keypair, role: AgentRole, meter_id: uuid.UUID | None = None
    ) -> Agent:
        return cls(name, keypair, keypair.pubkey(), role, meter_id)


def fleet_agents(fleet: Fleet, max_agents: int = 0) -> list[Agent]:
    """The fleet's owners in meter order, the first ``max_agents`` of them (0: all)."""
    meters = simulated_meters(fleet)
    if max_agents:
        meters = meters[:max_agents]
    return [
        Agent.of(
            f"meter-{meter.meter_index}",
            meter.owner,
            AgentRole.PROSUMER if meter.role is UserRole.PROSUMER else AgentRole.CONSUMER,
            meter.meter_id,
        )
        for meter in meters
    ]
