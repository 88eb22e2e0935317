"""The local receiver's interface: the source of ``programs/pyth_local/idl.json``."""

from __future__ import annotations

from gridtokenx.chain.anchor.idl import ProgramInterface
from gridtokenx.chain.anchor.program_errors import idl_errors
from gridtokenx.oracle.program.accounts import PriceUpdateV2
from gridtokenx.oracle.program.errors import PYTH_LOCAL_ERROR_MESSAGES, PythLocalErrorCode
from gridtokenx.oracle.program.instructions import InitPriceFeed, UpdatePrice

PYTH_LOCAL = "pyth_local"
PYTH_LOCAL_INTERFACE = ProgramInterface(
    name=PYTH_LOCAL,
    version="0.1.0",
    description="GridTokenX local stand-in for the Pyth Solana Receiver: PriceUpdateV2 accounts "
    "(Full verification) written by a write authority, at the receiver's program id on the "
    "local node only",
    instructions=(InitPriceFeed, UpdatePrice),
    accounts=(PriceUpdateV2,),
    errors=idl_errors(PythLocalErrorCode, PYTH_LOCAL_ERROR_MESSAGES),
)
