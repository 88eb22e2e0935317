"""The Trading program's interface: the source of its IDL (``programs/trading/idl.json``)."""

from __future__ import annotations

from gridtokenx.chain.anchor.idl import ProgramInterface
from gridtokenx.chain.anchor.program_errors import idl_errors
from gridtokenx.chain.trading.accounts import Market, Order
from gridtokenx.chain.trading.errors import TRADING_ERROR_MESSAGES, TradingErrorCode
from gridtokenx.chain.trading.instructions import (
    CancelOrder,
    Claim,
    InitializeMarket,
    PlaceOrder,
    Settle,
)

TRADING_INTERFACE = ProgramInterface(
    name="trading",
    version="0.1.0",
    description="GridTokenX trading: escrowed GXT/USDC orders settled from matcher-proposed fills",
    instructions=(InitializeMarket, PlaceOrder, CancelOrder, Settle, Claim),
    accounts=(Market, Order),
    errors=idl_errors(TradingErrorCode, TRADING_ERROR_MESSAGES),
)
