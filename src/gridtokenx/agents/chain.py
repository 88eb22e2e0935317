"""The agents' chain adapter: read wallets and open orders, send one action as one transaction.

Reads are batched for the whole roster, so a cycle costs the node a handful of requests whatever
the number of agents: ``getMultipleAccounts`` over each owner's wallet and its GXT and USDC
associated token accounts (100 per request), and one ``getProgramAccounts`` of the Trading
program filtered (memcmp) on the Order discriminator and the market, grouped by owner here.
:meth:`AgentChain.owner_orders` filters on market and owner for a single wallet.

Every transaction is signed and paid by the agent's own (simulated owner) keypair. An agent
whose GXT or USDC associated token account does not exist yet creates it (idempotently, paying
its rent) in front of its next action, because cancel and claim pay out to both.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from solders.instruction import Instruction
from solders.pubkey import Pubkey

from gridtokenx.agents.roster import Agent
from gridtokenx.agents.strategy import (
    Action,
    CancelAction,
    ClaimAction,
    OpenOrder,
    PlaceAction,
)
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.rpc import MemcmpFilter
from gridtokenx.chain.client.sender import Confirmation
from gridtokenx.chain.spl_token import (
    associated_token_address,
    create_associated_token_account_idempotent,
    parse_account,
)
from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.chain.trading.builders import (
    MarketKeys,
    OrderRequest,
    cancel_order_instruction,
    claim_instruction,
    place_order_instruction,
)

_ORDER_MARKET_OFFSET = 8
_ORDER_OWNER_OFFSET = 40


@dataclass(frozen=True, slots=True)
class Holdings:
    """One owner's wallet: lamports and token balances in base units (None: no account)."""

    lamports: int
    gxt: int | None
    usdc: int | None


def open_order(order: Order) -> OpenOrder:
    """The strategy's view of an on-chain order."""
    return OpenOrder(
        order_id=order.order_id,
        side=OrderSide(order.side),
        price_per_kwh=order.price,
        quantity=order.quantity,
        filled=order.filled,
        escrow=order.escrow,
        claimable_energy=order.claimable_energy,
        claimable_quote=order.claimable_quote,
        created_at_s=order.created_at,
        expiry_s=order.expiry,
    )


class AgentChain:
    def __init__(self, client: ChainClient, keys: MarketKeys) -> None:
        self.client = client
        self.keys = keys

    def token_accounts(self, owner: Pubkey) -> tuple[Pubkey, Pubkey]:
        """The owner's GXT and USDC associated token accounts."""
        return (
            associated_token_address(owner, self.keys.energy_mint),
            associated_token_address(owner, self.keys.quote_mint),
        )

    async def holdings(self, owners: Sequence[Pubkey]) -> dict[Pubkey, Holdings]:
        addresses: list[Pubkey] = []
        for owner in owners:
            addresses += [owner, *self.token_accounts(owner)]
        accounts = await self.client.rpc.get_multiple_accounts(addresses)
        found: dict[Pubkey, Holdings] = {}
        for index, owner in enumerate(owners):
            wallet, gxt, usdc = accounts[3 * index : 3 * index + 3]
            found[owner] = Holdings(
                lamports=0 if wallet is None else wallet.lamports,
                gxt=_token_amount(gxt.data if gxt is not None else None),
                usdc=_token_amount(usdc.data if usdc is not None else None),
            )
        return found

    async def open_orders(self, owners: Collection[Pubkey]) -> dict[Pubkey, list[Order]]:
        """The market's open orders of ``owners``, by owner (one request for all)."""
        wanted = set(owners)
        found: dict[Pubkey, list[Order]] = {owner: [] for owner in wanted}
        for order in await self._orders(
            [MemcmpFilter(_ORDER_MARKET_OFFSET, bytes(self.keys.market))]
        ):
            if order.owner in wanted:
                found[order.owner].append(order)
        return found

    async def owner_orders(self, owner: Pubkey) -> list[Order]:
        """One owner's open orders on the market."""
        return await self._orders(
            [
                MemcmpFilter(_ORDER_MARKET_OFFSET, bytes(self.keys.market)),
                MemcmpFilter(_ORDER_OWNER_OFFSET, bytes(owner)),
            ]
        )

    async def _orders(self, filters: list[MemcmpFilter]) -> list[Order]:
        accounts = await self.client.rpc.get_program_accounts(
            self.keys.program_id, [MemcmpFilter(0, Order.discriminator()), *filters]
        )
        return sorted(
            (Order.decode(account.data) for _, account in accounts), key=lambda o: o.order_id
        )

    def instructions(
        self, agent: Agent, action: Action, missing_mints: Sequence[Pubkey] = ()
    ) -> list[Instruction]:
        """``action``'s instructions, after creating the owner's missing token accounts."""
        owner = agent.owner
        gxt, usdc = self.token_accounts(owner)
        instructions = [
            create_associated_token_account_idempotent(owner, owner, mint) for mint in missing_mints
        ]
        keys = self.keys
        if isinstance(action, PlaceAction):
            request = OrderRequest(
                owner=owner,
                order_id=action.order_id,
                side=action.side,
                price=action.price_per_kwh,
                quantity=action.quantity,
                source=gxt if action.side is OrderSide.SELL else usdc,
            )
            instructions.append(place_order_instruction(keys, request))
        elif isinstance(action, CancelAction):
            order = keys.order(owner, action.order_id)
            instructions.append(cancel_order_instruction(keys, order, owner, gxt, usdc))
        else:
            assert isinstance(action, ClaimAction)
            order = keys.order(owner, action.order_id)
            instructions.append(claim_instruction(keys, order, owner, gxt, usdc))
        return instructions

    async def send(
        self, agent: Agent, action: Action, missing_mints: Sequence[Pubkey] = ()
    ) -> Confirmation:
        """Land ``action`` signed and paid by the agent; raises what send_and_confirm raises."""
        return await self.client.send_and_confirm(
            self.instructions(agent, action, missing_mints), [], agent.keypair
        )


def _token_amount(data: bytes | None) -> int | None:
    if data is None:
        return None
    account = parse_account(data)
    return None if account is None else account.amount
