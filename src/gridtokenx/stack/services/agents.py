"""The trading agents (`gridtokenx agents run`): the simulated owners place, cancel and claim
their own orders on the bootstrapped market.

They need the bootstrapped chain (addresses file, the faucet key for local top-ups), PostgreSQL
(the stored scenario's fleet, the consumers' interval aggregates) and minting (which registers
the owners and mints the prosumers' GXT), so they start after all of them. Health is the
Prometheus endpoint answering with the agents' cycle counter.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class AgentsService(PlatformProcess):
    name = "agents"
    version = "1"
    """The agents' strategy and order-id scheme (gridtokenx.agents)."""
    command = ("agents", "run")
    settings_group = "agents"
    probe_metric = "gridtokenx_agents_cycles_total"
    uses_chain = True
    shared_settings = ("simulator.scenario",)
