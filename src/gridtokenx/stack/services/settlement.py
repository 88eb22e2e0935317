"""The settlement service (`gridtokenx settlement run`): trades → Trading settle + claim.

It needs PostgreSQL (its ledger), Kafka (``trades``) and the bootstrapped chain (the addresses
file and the matcher's keypair that chain-node provisions), so it starts after the matcher.
Health is its Prometheus endpoint answering with the settlement counters.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class SettlementService(PlatformProcess):
    name = "settlement"
    version = "1"
    """The ledger's schema version (migration 0007)."""
    command = ("settlement", "run")
    settings_group = "settlement"
    probe_metric = "gridtokenx_settlement_trades_received_total"
    reads_schema = True
    uses_chain = True
    shared_settings = ("market.trades_topic", "market.releases_topic")
