"""Prometheus metrics of the trading agents (served by `gridtokenx agents run` on 9107)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

CYCLES = Counter("gridtokenx_agents_cycles", "Agent cycles run (read, decide, send)")
ORDERS_PLACED = Counter(
    "gridtokenx_agents_orders_placed", "Orders the agents placed on chain", ["side"]
)
CANCELS = Counter("gridtokenx_agents_cancels", "Orders the agents cancelled", ["reason"])
CLAIMS = Counter("gridtokenx_agents_claims", "Claims the agents cranked for their own orders")
FAILURES = Counter(
    "gridtokenx_agents_failures", "Agent actions that did not land, by reason", ["reason"]
)
FUNDED = Counter("gridtokenx_agents_funded", "Faucet top-ups of agents (local node)", ["asset"])
AGENTS = Gauge("gridtokenx_agents_agents", "Agents trading in this process")
