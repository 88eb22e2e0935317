"""Instructions of the Trading program with their accounts filled in from a market's keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from gridtokenx.chain.trading.accounts import Market, OrderSide, TimeInForce
from gridtokenx.chain.trading.errors import TradingRequestError
from gridtokenx.chain.trading.instructions import (
    CancelOrder,
    Claim,
    Fill,
    InitializeMarket,
    PlaceOrder,
    Settle,
)
from gridtokenx.chain.trading.pda import market_address, order_address, vault_address


@dataclass(frozen=True)
class MarketKeys:
    """The addresses every instruction of one market needs."""

    program_id: Pubkey
    market: Pubkey
    energy_mint: Pubkey
    quote_mint: Pubkey
    energy_vault: Pubkey
    quote_vault: Pubkey
    fee_vault: Pubkey

    @classmethod
    def derive(
        cls, program_id: Pubkey, energy_mint: Pubkey, quote_mint: Pubkey, fee_vault: Pubkey
    ) -> MarketKeys:
        """The keys of the (possibly not yet created) market of these mints."""
        market = market_address(program_id, energy_mint, quote_mint)[0]
        return cls(
            program_id,
            market,
            energy_mint,
            quote_mint,
            vault_address(program_id, market, energy_mint)[0],
            vault_address(program_id, market, quote_mint)[0],
            fee_vault,
        )

    @classmethod
    def from_account(cls, program_id: Pubkey, market: Pubkey, account: Market) -> MarketKeys:
        return cls(
            program_id,
            market,
            account.energy_mint,
            account.quote_mint,
            account.energy_vault,
            account.quote_vault,
            account.fee_vault,
        )

    def order(self, owner: Pubkey, order_id: int) -> Pubkey:
        return order_address(self.program_id, self.market, owner, order_id)[0]


@dataclass(frozen=True)
class OrderFill:
    """One fill the matcher proposes: ``quantity`` GXT base units at ``price`` USDC base units
    per kWh, between a buy order and a sell order (their addresses)."""

    buy_order: Pubkey
    sell_order: Pubkey
    quantity: int
    price: int


def initialize_market_instruction(
    keys: MarketKeys, operator: Pubkey, matcher: Pubkey, fee_bps: int
) -> Instruction:
    return InitializeMarket(fee_bps=fee_bps).instruction(
        keys.program_id,
        {
            "market": keys.market,
            "operator": operator,
            "matcher": matcher,
            "energy_mint": keys.energy_mint,
            "quote_mint": keys.quote_mint,
            "energy_vault": keys.energy_vault,
            "quote_vault": keys.quote_vault,
            "fee_vault": keys.fee_vault,
        },
    )


@dataclass(frozen=True)
class OrderRequest:
    """An order to place: ``price`` in USDC base units per kWh, ``quantity`` in GXT base units,
    ``expiry`` in unix seconds (0 = never); ``source`` is the owner's token account of what the
    order locks (GXT for a sell, USDC for a buy); ``time_in_force`` is recorded in the order and
    applied by the matcher."""

    owner: Pubkey
    order_id: int
    side: OrderSide
    price: int
    quantity: int
    source: Pubkey
    expiry: int = 0
    time_in_force: TimeInForce = TimeInForce.GTC


def place_order_instruction(keys: MarketKeys, request: OrderRequest) -> Instruction:
    try:
        side = OrderSide(request.side)
    except ValueError as exc:
        raise TradingRequestError(
            f"an order's side is 0 (buy) or 1 (sell), got {request.side!r}"
        ) from exc
    try:
        time_in_force = TimeInForce(request.time_in_force)
    except ValueError as exc:
        raise TradingRequestError(
            "an order's time in force is 0 (GTC), 1 (IOC) or 2 (post-only), got "
            f"{request.time_in_force!r}"
        ) from exc
    sell = side is OrderSide.SELL
    return PlaceOrder(
        order_id=request.order_id,
        side=int(side),
        price=request.price,
        quantity=request.quantity,
        expiry=request.expiry,
        time_in_force=int(time_in_force),
    ).instruction(
        keys.program_id,
        {
            "market": keys.market,
            "order": keys.order(request.owner, request.order_id),
            "owner": request.owner,
            "source": request.source,
            "vault": keys.energy_vault if sell else keys.quote_vault,
            "mint": keys.energy_mint if sell else keys.quote_mint,
        },
    )


def _payout_accounts(
    keys: MarketKeys, order: Pubkey, owner: Pubkey, owner_energy: Pubkey, owner_quote: Pubkey
) -> dict[str, Pubkey]:
    return {
        "market": keys.market,
        "order": order,
        "owner": owner,
        "owner_energy_account": owner_energy,
        "owner_quote_account": owner_quote,
        "energy_vault": keys.energy_vault,
        "quote_vault": keys.quote_vault,
        "energy_mint": keys.energy_mint,
        "quote_mint": keys.quote_mint,
    }


def cancel_order_instruction(
    keys: MarketKeys,
    order: Pubkey,
    owner: Pubkey,
    owner_energy: Pubkey,
    owner_quote: Pubkey,
    *,
    owner_signs: bool = True,
    matcher: Pubkey | None = None,
) -> Instruction:
    """Cancel ``order``; ``owner_signs=False`` for an expired order cancelled by anyone else.

    With ``matcher`` (the market's matcher key, which then signs) the owner does not sign: the
    matcher may cancel an IOC or post-only order (the program refuses it for a GTC order)."""
    remaining = (
        () if matcher is None else (AccountMeta(matcher, is_signer=True, is_writable=False),)
    )
    instruction = CancelOrder().instruction(
        keys.program_id, _payout_accounts(keys, order, owner, owner_energy, owner_quote), remaining
    )
    if owner_signs and matcher is None:
        return instruction
    metas = list(instruction.accounts)
    metas[2] = AccountMeta(owner, is_signer=False, is_writable=True)
    return Instruction(keys.program_id, instruction.data, metas)


def claim_instruction(
    keys: MarketKeys, order: Pubkey, owner: Pubkey, owner_energy: Pubkey, owner_quote: Pubkey
) -> Instruction:
    """Pay ``order``'s claimables to its owner (anyone may send it; the owner need not sign)."""
    return Claim().instruction(
        keys.program_id, _payout_accounts(keys, order, owner, owner_energy, owner_quote)
    )


def settle_instruction(
    keys: MarketKeys, matcher: Pubkey, fills: Sequence[OrderFill]
) -> Instruction:
    """The matcher's fills in one instruction. A legacy transaction fits 10 fills between
    distinct orders (orders shared by several fills take no extra room); a v0 transaction with
    the orders in an address lookup table fits 28."""
    if not fills:
        raise TradingRequestError("settle needs at least one fill")
    remaining: list[AccountMeta] = []
    for fill in fills:
        remaining.append(AccountMeta(fill.buy_order, is_signer=False, is_writable=True))
        remaining.append(AccountMeta(fill.sell_order, is_signer=False, is_writable=True))
    settle = Settle(fills=tuple(Fill(quantity=f.quantity, price=f.price) for f in fills))
    return settle.instruction(
        keys.program_id,
        {
            "market": keys.market,
            "matcher": matcher,
            "quote_vault": keys.quote_vault,
            "fee_vault": keys.fee_vault,
            "quote_mint": keys.quote_mint,
        },
        tuple(remaining),
    )
