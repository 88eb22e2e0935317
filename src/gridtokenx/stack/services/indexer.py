"""The order indexer (`gridtokenx indexer run`): Trading transactions → order-commands + the
PostgreSQL order mirror.

It needs PostgreSQL (mirror, cursor), Kafka (order-commands) and the bootstrapped chain (the
addresses file names the Trading program), and starts after the matcher that consumes its
commands. Health is its Prometheus endpoint answering with the indexer's counters.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class IndexerService(PlatformProcess):
    name = "indexer"
    version = "1"
    """The mirror's schema version (migration 0006) and the order-commands wire version it
    writes."""
    command = ("indexer", "run")
    settings_group = "indexer"
    probe_metric = "gridtokenx_indexer_cursor_slot"
    reads_schema = True
    uses_chain = True
    shared_settings = ("market.commands_topic",)
