"""The minting service (`gridtokenx mint serve`): signed watermarks → GXT on chain.

It needs PostgreSQL (watermarks, its ledger) and the bootstrapped chain (chain-node provisions
the addresses file and the operator's keypair), so it starts after both; it registers the
simulator's commissioned meters on chain before minting them. Health is its Prometheus endpoint
answering with the minting counters.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class MintingService(PlatformProcess):
    name = "minting"
    version = "1"
    """The ledger's schema version (migration 0004)."""
    command = ("mint", "serve")
    settings_group = "minting"
    probe_metric = "gridtokenx_mint_cycles_total"
    reads_schema = True
    uses_chain = True
    shared_settings = ("simulator.scenario",)
