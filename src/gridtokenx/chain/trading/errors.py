"""The Trading program's error codes (``programs/trading/src/interface.h`` is generated from
them) and the client-side errors of this package."""

from __future__ import annotations

from enum import IntEnum, unique

from gridtokenx.chain.anchor.program_errors import ProgramFailedError, decode_program_error
from gridtokenx.errors import GridTokenXError


@unique
class TradingErrorCode(IntEnum):
    NOT_ENOUGH_ACCOUNTS = 6000
    MISSING_SIGNER = 6001
    ACCOUNT_NOT_WRITABLE = 6002
    WRONG_ACCOUNT_OWNER = 6003
    INVALID_ACCOUNT_DATA = 6004
    WRONG_PDA = 6005
    ALREADY_INITIALIZED = 6006
    UNAUTHORIZED = 6007
    INVALID_ARGUMENT = 6008
    MINT_MISMATCH = 6009
    TOKEN_ACCOUNT_MISMATCH = 6010
    VAULT_MISMATCH = 6011
    ORDER_MARKET_MISMATCH = 6012
    ORDER_OWNER_MISMATCH = 6013
    ORDER_SIDE_MISMATCH = 6014
    SELF_TRADE = 6015
    ORDER_EXPIRED = 6016
    INVALID_EXPIRY = 6017
    PRICE_OUTSIDE_LIMITS = 6018
    OVERFILL = 6019
    NOTHING_TO_CLAIM = 6020
    ARITHMETIC_OVERFLOW = 6021
    INVALID_INSTRUCTION_DATA = 6022
    UNKNOWN_INSTRUCTION = 6023
    WRONG_PROGRAM_ID = 6024
    INSUFFICIENT_FUNDS = 6025
    INVALID_TIME_IN_FORCE = 6026


TRADING_ERROR_MESSAGES: dict[TradingErrorCode, str] = {
    TradingErrorCode.NOT_ENOUGH_ACCOUNTS: "the instruction was given fewer accounts than it needs",
    TradingErrorCode.MISSING_SIGNER: "an account that must sign did not sign (an order's owner "
    "must sign its cancellation until it expires, unless the market's matcher cancels an IOC or "
    "post-only order)",
    TradingErrorCode.ACCOUNT_NOT_WRITABLE: "an account the instruction changes is not writable",
    TradingErrorCode.WRONG_ACCOUNT_OWNER: "an account is not owned by the program it must be "
    "(a closed order is owned by the System program)",
    TradingErrorCode.INVALID_ACCOUNT_DATA: "an account's data is not the expected account type",
    TradingErrorCode.WRONG_PDA: "an address does not match the seeds it must derive from",
    TradingErrorCode.ALREADY_INITIALIZED: "the account to create already exists (reuse of an "
    "order id or a second market for the same mints)",
    TradingErrorCode.UNAUTHORIZED: "the signer is not the market's matcher, or the matcher "
    "cancelled a GTC order (it may cancel only IOC and post-only orders)",
    TradingErrorCode.INVALID_ARGUMENT: "an argument is outside its allowed values (side 0 or 1, "
    "price and quantity above 0, fee at most 10,000 bps, at least one fill, fill quantities "
    "above 0)",
    TradingErrorCode.MINT_MISMATCH: "a mint is not the market's, is not an SPL Token mint, has "
    "the wrong decimals, or the two mints are the same",
    TradingErrorCode.TOKEN_ACCOUNT_MISMATCH: "a token account is not an initialized account of "
    "the expected mint and owner",
    TradingErrorCode.VAULT_MISMATCH: "a vault or the fee vault is not the market's",
    TradingErrorCode.ORDER_MARKET_MISMATCH: "an order belongs to another market",
    TradingErrorCode.ORDER_OWNER_MISMATCH: "the owner account is not the order's owner",
    TradingErrorCode.ORDER_SIDE_MISMATCH: "a fill must pair a buy order (first) with a sell order "
    "(second)",
    TradingErrorCode.SELF_TRADE: "the buy and sell orders of a fill have the same owner",
    TradingErrorCode.ORDER_EXPIRED: "an order in the fill has expired",
    TradingErrorCode.INVALID_EXPIRY: "the expiry is negative or not after the current time "
    "(use 0 for no expiry)",
    TradingErrorCode.PRICE_OUTSIDE_LIMITS: "the fill price is above the bid or below the ask",
    TradingErrorCode.OVERFILL: "the fill quantity exceeds an order's remaining quantity",
    TradingErrorCode.NOTHING_TO_CLAIM: "the order has nothing to claim and is not completely "
    "filled",
    TradingErrorCode.ARITHMETIC_OVERFLOW: "an amount overflowed 64 bits",
    TradingErrorCode.INVALID_INSTRUCTION_DATA: "the instruction data has the wrong length",
    TradingErrorCode.UNKNOWN_INSTRUCTION: "the instruction discriminator is not a Trading "
    "instruction",
    TradingErrorCode.WRONG_PROGRAM_ID: "a program account is not the one the instruction needs "
    "(SPL Token, System)",
    TradingErrorCode.INSUFFICIENT_FUNDS: "the source token account holds less than the order "
    "must lock (a buy locks ceil(price * quantity / 10^6) USDC base units)",
    TradingErrorCode.INVALID_TIME_IN_FORCE: "the time in force is not 0 (GTC), 1 (IOC) or 2 "
    "(post-only)",
}


class TradingRequestError(GridTokenXError):
    """A Trading instruction that the client refuses to build (it could never succeed)."""


def decode_trading_error(
    transaction_error: object, logs: tuple[str, ...] = ()
) -> ProgramFailedError | None:
    """The named exception for a transaction the Trading program refused, else None."""
    return decode_program_error(
        "trading", TradingErrorCode, TRADING_ERROR_MESSAGES, transaction_error, logs
    )
