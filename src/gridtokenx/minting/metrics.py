"""Prometheus metrics of the minting service (served by `gridtokenx mint serve`)."""

from __future__ import annotations

from prometheus_client import Counter

CYCLES = Counter("gridtokenx_mint_cycles", "Minting cycles run (reconcile, select, submit)")
MINTED_WH = Counter("gridtokenx_mint_minted_wh", "Wh minted as GXT by confirmed submissions")
SUBMISSIONS = Counter(
    "gridtokenx_mint_submissions", "Readings whose submission was resolved", ["status"]
)
CHAIN_ERRORS = Counter(
    "gridtokenx_mint_chain_errors",
    "Mint transactions the chain refused or did not answer",
    ["kind"],
)
METERS_REGISTERED = Counter(
    "gridtokenx_mint_meters_registered", "Simulated meters registered on chain by this process"
)
