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

    def prepare(self) -> None:
        super().prepare()
        # The ledger's tables must exist even when only this service is brought up.
        self._migrate_schema()

    def shared_env(self) -> dict[str, str]:
        settings = self.settings
        chain = settings.chain
        env = {
            **super().shared_env(),
            "GRIDTOKENX_CHAIN__HOST": chain.host,
            "GRIDTOKENX_CHAIN__RPC_PORT": str(chain.rpc_port),
            "GRIDTOKENX_CHAIN__WS_PORT": str(chain.ws_port),
            "GRIDTOKENX_SIMULATOR__SCENARIO": settings.simulator.scenario,
        }
        if chain.state_dir is not None:
            env["GRIDTOKENX_CHAIN__STATE_DIR"] = str(chain.state_dir)
        return env
