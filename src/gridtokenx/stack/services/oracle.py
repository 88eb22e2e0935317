"""The local price publisher (`gridtokenx oracle publish`): keeps the local node's Pyth
PriceUpdateV2 accounts fresh so that readers work as on devnet.

It needs the bootstrapped local chain (chain-node provisions the addresses file, the operator's
keypair and the price accounts), so it starts after it; on devnet and mainnet-beta Pyth's push
oracle does this job and the service is not needed. A cycle that cannot publish (no receiver
program on a node started before it was built, an unreachable Hermes) is logged and counted,
never fatal: health is its Prometheus endpoint answering with the cycle counter.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class OracleService(PlatformProcess):
    name = "oracle"
    version = "1"
    """The local receiver's interface version (programs/pyth_local/idl.json)."""
    command = ("oracle", "publish")
    settings_group = "oracle"
    probe_metric = "gridtokenx_oracle_publish_cycles_total"
    uses_chain = True
