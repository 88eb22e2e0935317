"""Local-node top-ups: SOL for every agent (fees, order rent), USDC for consumers.

Only on the local node, through :class:`gridtokenx.chain.faucet.LocalFaucet` (which refuses any
other cluster). Prosumers get their GXT from minting, never from here. On devnet the agents'
wallets must be funded beforehand; an agent without SOL fails with ``insufficient_sol``.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridtokenx.agents.chain import Holdings
from gridtokenx.agents.roster import Agent
from gridtokenx.agents.strategy import AgentRole
from gridtokenx.chain.faucet import LocalFaucet

TOP_UP_BELOW_FRACTION = 10
"""An agent is topped up when it holds less than 1/10 of the top-up amount."""


@dataclass(frozen=True, slots=True)
class TopUp:
    lamports: int
    usdc: int

    def __bool__(self) -> bool:
        return bool(self.lamports or self.usdc)


def top_up_needed(
    role: AgentRole, holdings: Holdings, sol_top_up_lamports: int, usdc_top_up: int
) -> TopUp:
    """What the faucet should give this agent now (pure)."""
    lamports = (
        sol_top_up_lamports
        if holdings.lamports < sol_top_up_lamports // TOP_UP_BELOW_FRACTION
        else 0
    )
    usdc = 0
    if role is AgentRole.CONSUMER and (holdings.usdc or 0) < usdc_top_up // TOP_UP_BELOW_FRACTION:
        usdc = usdc_top_up
    return TopUp(lamports, usdc)


class LocalFunding:
    def __init__(self, faucet: LocalFaucet, sol_top_up_lamports: int, usdc_top_up: int) -> None:
        self.faucet = faucet
        self.sol_top_up_lamports = sol_top_up_lamports
        self.usdc_top_up = usdc_top_up

    async def top_up(self, agent: Agent, holdings: Holdings) -> TopUp:
        """Fund the agent if it runs low; what was given. Raises the faucet's errors."""
        needed = top_up_needed(agent.role, holdings, self.sol_top_up_lamports, self.usdc_top_up)
        if needed:
            await self.faucet.fund(
                agent.owner, lamports=needed.lamports, usdc_base_units=needed.usdc
            )
        return needed
