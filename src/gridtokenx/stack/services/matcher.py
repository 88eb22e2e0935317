"""The matching service (`gridtokenx market match`): order-commands → trades + book deltas."""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class MatcherService(PlatformProcess):
    name = "matcher"
    version = "1"
    """The version of the market wire format (gridtokenx.market.wire) it reads and writes."""
    command = ("market", "match")
    settings_group = "market"
    probe_metric = "gridtokenx_matcher_transactions_total"
    reads_schema = True
