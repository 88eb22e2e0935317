"""The Trading program's instructions, their arguments and accounts (docs/onchain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.token import ID as TOKEN_PROGRAM_ID

from gridtokenx.chain.anchor.layout import (
    I64,
    U8,
    U16,
    U64,
    AccountSpec,
    AnchorInstruction,
    BorshStruct,
    Vec,
)

_SYSTEM = AccountSpec("system_program", address=SYSTEM_PROGRAM_ID)
_TOKEN = AccountSpec("token_program", address=TOKEN_PROGRAM_ID)


def _payout_accounts(owner: AccountSpec) -> tuple[AccountSpec, ...]:
    """cancel_order and claim pay out of the same vaults to the same kind of destination."""
    return (
        AccountSpec("market"),
        AccountSpec("order", writable=True),
        owner,
        AccountSpec("owner_energy_account", writable=True, docs="the owner's GXT token account"),
        AccountSpec("owner_quote_account", writable=True, docs="the owner's USDC token account"),
        AccountSpec("energy_vault", writable=True),
        AccountSpec("quote_vault", writable=True),
        AccountSpec("energy_mint"),
        AccountSpec("quote_mint"),
        _TOKEN,
    )


@dataclass(frozen=True)
class Fill(BorshStruct):
    quantity: Annotated[int, U64]
    """GXT base units."""
    price: Annotated[int, U64]
    """USDC base units per kWh."""


@dataclass(frozen=True)
class InitializeMarket(AnchorInstruction):
    """Create a market for an energy mint and a quote mint, with its two vaults."""

    NAME = "initialize_market"
    ACCOUNTS = (
        AccountSpec("market", writable=True, docs='PDA ["market", energy_mint, quote_mint]'),
        AccountSpec("operator", writable=True, signer=True, docs="pays"),
        AccountSpec("matcher", docs="the only key allowed to settle"),
        AccountSpec("energy_mint", docs="6 decimals"),
        AccountSpec("quote_mint"),
        AccountSpec("energy_vault", writable=True, docs='PDA ["vault", market, energy_mint]'),
        AccountSpec("quote_vault", writable=True, docs='PDA ["vault", market, quote_mint]'),
        AccountSpec("fee_vault", docs="a quote-mint token account that receives the fees"),
        _SYSTEM,
        _TOKEN,
    )
    fee_bps: Annotated[int, U16]


@dataclass(frozen=True)
class PlaceOrder(AnchorInstruction):
    """Lock a sell order's GXT or a buy order's USDC in the market's vault.

    ``time_in_force`` is 0 (GTC), 1 (IOC) or 2 (post-only), stored in the order. The program
    also accepts the arguments without it (33 bytes, as before time in force existed) as GTC.
    """

    NAME = "place_order"
    ACCOUNTS = (
        AccountSpec("market"),
        AccountSpec("order", writable=True, docs='PDA ["order", market, owner, order_id u64 LE]'),
        AccountSpec("owner", writable=True, signer=True, docs="pays the order's rent"),
        AccountSpec(
            "source", writable=True, docs="the owner's GXT (sell) or USDC (buy) token account"
        ),
        AccountSpec("vault", writable=True, docs="the market's vault of that mint"),
        AccountSpec("mint", docs="GXT (sell) or USDC (buy)"),
        _TOKEN,
        _SYSTEM,
    )
    order_id: Annotated[int, U64]
    side: Annotated[int, U8]
    price: Annotated[int, U64]
    quantity: Annotated[int, U64]
    expiry: Annotated[int, I64]
    time_in_force: Annotated[int, U8] = 0


@dataclass(frozen=True)
class CancelOrder(AnchorInstruction):
    """Return escrow and claimables to the owner and close the order. Its owner may cancel it
    at any time, anyone once it has expired, and the market's matcher (passed as the one
    remaining account, signing) an IOC or post-only order: the rest of an IOC order or a
    post-only order that would have taken liquidity. The tokens only ever go to the owner."""

    NAME = "cancel_order"
    ACCOUNTS = _payout_accounts(
        AccountSpec(
            "owner",
            writable=True,
            signer=True,
            docs="the order's owner; receives the rent; need not sign once the order has expired "
            "or when the market's matcher cancels an IOC or post-only order",
        )
    )
    REMAINING_ACCOUNTS = (
        "optional: the market's matcher [signer], to cancel an IOC or post-only order "
        "without the owner's signature"
    )


@dataclass(frozen=True)
class Settle(AnchorInstruction):
    """Apply the matcher's fills: each pairs a buy order with a sell order of this market."""

    NAME = "settle"
    ACCOUNTS = (
        AccountSpec("market"),
        AccountSpec("matcher", signer=True),
        AccountSpec("quote_vault", writable=True),
        AccountSpec("fee_vault", writable=True),
        AccountSpec("quote_mint"),
        _TOKEN,
    )
    REMAINING_ACCOUNTS = "per fill: buy order [writable], sell order [writable]"
    fills: Annotated[tuple[Fill, ...], Vec(Fill)]


@dataclass(frozen=True)
class Claim(AnchorInstruction):
    """Pay an order's claimables to its owner; close it when completely filled (any signer)."""

    NAME = "claim"
    ACCOUNTS = _payout_accounts(
        AccountSpec("owner", writable=True, docs="the order's owner; receives the rent on close")
    )
