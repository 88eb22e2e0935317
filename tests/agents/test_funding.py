"""When the local faucet tops an agent up (pure part)."""

from __future__ import annotations

from gridtokenx.agents.chain import Holdings
from gridtokenx.agents.funding import TopUp, top_up_needed
from gridtokenx.agents.strategy import AgentRole

SOL = 1_000_000_000
USDC = 1_000_000


def test_everyone_low_on_sol_gets_sol_and_only_consumers_get_usdc() -> None:
    broke = Holdings(lamports=0, gxt=None, usdc=None)
    assert top_up_needed(AgentRole.PROSUMER, broke, SOL, 100 * USDC) == TopUp(SOL, 0)
    assert top_up_needed(AgentRole.CONSUMER, broke, SOL, 100 * USDC) == TopUp(SOL, 100 * USDC)


def test_agents_holding_a_tenth_or_more_get_nothing() -> None:
    enough = Holdings(lamports=SOL // 10, gxt=0, usdc=10 * USDC)
    assert not top_up_needed(AgentRole.CONSUMER, enough, SOL, 100 * USDC)
    low = Holdings(lamports=SOL // 10 - 1, gxt=0, usdc=10 * USDC - 1)
    assert top_up_needed(AgentRole.CONSUMER, low, SOL, 100 * USDC) == TopUp(SOL, 100 * USDC)


def test_zero_top_ups_turn_funding_off() -> None:
    broke = Holdings(lamports=0, gxt=None, usdc=None)
    assert not top_up_needed(AgentRole.CONSUMER, broke, 0, 0)
