"""Trading agents: every simulated prosumer and consumer trades with its own keypair.

The simulator stands in for each meter's owner and holds the owner's wallet key
(:mod:`gridtokenx.agents.roster`). Each cycle (``agents.cycle_interval_s``) every agent:

1. reads its SOL, GXT and USDC (associated token accounts of the owner) and its open orders on
   the bootstrapped market (batched for the whole roster: :mod:`gridtokenx.agents.chain`);
2. on the local node only, is topped up from the faucet when low: SOL for everyone (fees and
   each order's rent), USDC for consumers (:mod:`gridtokenx.agents.funding`); prosumers' GXT
   comes from minting;
3. decides with the pure strategy (:mod:`gridtokenx.agents.strategy`): cancel stale orders,
   claim proceeds the settlement service left unclaimed, and place one order — a prosumer sells
   its GXT above its reserve (keeping ``reserve_gxt_base_units``) at no less than the reserve
   price; a consumer bids for its deficit, the import it bought no GXT for yet: its latest
   ``deficit_window_intervals`` 15-minute intervals when it starts, then its import since, read
   from PostgreSQL (:mod:`gridtokenx.agents.energy`, :mod:`gridtokenx.agents.deficit`), at no
   more than the cap and never for more USDC than it holds. Prices are drawn from the seed
   around the reference (:mod:`gridtokenx.agents.pricing`), so bids and asks cross sometimes;
4. signs and sends each action as its own transaction, at most ``agents.concurrency`` in flight
   over all agents; a failure is counted by reason (:mod:`gridtokenx.agents.failures`) and never
   stops the other agents.

Order ids are the placement time in unix ms, bumped above the highest id the agent has seen
(:func:`gridtokenx.agents.pricing.next_order_id`). Orders carry no on-chain expiry: agents
cancel their own after ``order_max_age_s``.

Known limits: prosumers only sell and consumers only buy; a restarted process takes new deficit
baselines, so a consumer may buy its latest window twice.
"""

from gridtokenx.agents.app import FleetRoster, check_market, run_agents
from gridtokenx.agents.chain import AgentChain, Holdings
from gridtokenx.agents.deficit import ImportReading
from gridtokenx.agents.energy import ImportEnergyReader
from gridtokenx.agents.errors import AgentsError, NoAgentsError, OrderIdExhaustedError
from gridtokenx.agents.funding import LocalFunding
from gridtokenx.agents.roster import Agent, fleet_agents
from gridtokenx.agents.service import AgentRunner, CycleReport, strategy_params
from gridtokenx.agents.strategy import (
    Action,
    AgentRole,
    AgentState,
    CancelAction,
    ClaimAction,
    OpenOrder,
    PlaceAction,
    StrategyParams,
    decide,
)

__all__ = [
    "Action",
    "Agent",
    "AgentChain",
    "AgentRole",
    "AgentRunner",
    "AgentState",
    "AgentsError",
    "CancelAction",
    "ClaimAction",
    "CycleReport",
    "FleetRoster",
    "Holdings",
    "ImportEnergyReader",
    "ImportReading",
    "LocalFunding",
    "NoAgentsError",
    "OpenOrder",
    "OrderIdExhaustedError",
    "PlaceAction",
    "StrategyParams",
    "check_market",
    "decide",
    "fleet_agents",
    "run_agents",
    "strategy_params",
]
