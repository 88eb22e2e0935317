"""The roster: one agent per simulated owner, with the key minting registered on chain."""

from __future__ import annotations

from gridtokenx.agents.roster import fleet_agents
from gridtokenx.agents.strategy import AgentRole
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.kinds import MeterKind
from gridtokenx.simulator.owners import owner_keypair

EXPORTING = {MeterKind.SOLAR_PROSUMER, MeterKind.BATTERY_PROSUMER}


def test_every_owner_trades_with_its_own_key_and_role() -> None:
    fleet = Fleet(FleetConfig(meter_count=40, seed=5))
    agents = fleet_agents(fleet)
    assert len(agents) == 40
    assert len({agent.owner for agent in agents}) == 40
    for index, agent in enumerate(agents):
        assert agent.keypair.pubkey() == agent.owner == owner_keypair(5, index).pubkey()
        kind = MeterKind(int(fleet.kinds[index]))
        expected = AgentRole.PROSUMER if kind in EXPORTING else AgentRole.CONSUMER
        assert agent.role is expected
        assert agent.meter_id is not None
        assert agent.meter_id.bytes == fleet.meter_ids[index].tobytes()
    roles = {agent.role for agent in agents}
    assert roles == {AgentRole.PROSUMER, AgentRole.CONSUMER}


def test_a_cap_takes_the_first_owners() -> None:
    fleet = Fleet(FleetConfig(meter_count=40, seed=5))
    capped = fleet_agents(fleet, max_agents=7)
    assert [agent.owner for agent in capped] == [a.owner for a in fleet_agents(fleet)[:7]]
