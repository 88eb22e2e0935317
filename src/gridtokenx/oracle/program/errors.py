"""The local receiver's error codes (``programs/pyth_local/src/interface.h`` mirrors them)."""

from __future__ import annotations

from enum import IntEnum, unique

from gridtokenx.chain.anchor.program_errors import ProgramFailedError, decode_program_error


@unique
class PythLocalErrorCode(IntEnum):
    NOT_ENOUGH_ACCOUNTS = 6000
    MISSING_SIGNER = 6001
    ACCOUNT_NOT_WRITABLE = 6002
    WRONG_ACCOUNT_OWNER = 6003
    INVALID_ACCOUNT_DATA = 6004
    WRONG_PDA = 6005
    ALREADY_INITIALIZED = 6006
    UNAUTHORIZED = 6007
    PUBLISH_TIME_NOT_INCREASING = 6008
    PUBLISH_TIME_IN_FUTURE = 6009
    INVALID_INSTRUCTION_DATA = 6010
    UNKNOWN_INSTRUCTION = 6011
    WRONG_PROGRAM_ID = 6012


PYTH_LOCAL_ERROR_MESSAGES: dict[PythLocalErrorCode, str] = {
    PythLocalErrorCode.NOT_ENOUGH_ACCOUNTS: "the instruction was given fewer accounts than it "
    "needs",
    PythLocalErrorCode.MISSING_SIGNER: "the write authority (or payer) did not sign",
    PythLocalErrorCode.ACCOUNT_NOT_WRITABLE: "an account the instruction changes is not writable",
    PythLocalErrorCode.WRONG_ACCOUNT_OWNER: "the price account is not owned by this program",
    PythLocalErrorCode.INVALID_ACCOUNT_DATA: "the account is not a PriceUpdateV2 of this program",
    PythLocalErrorCode.WRONG_PDA: "the price account is not the PDA [shard_id, feed_id]",
    PythLocalErrorCode.ALREADY_INITIALIZED: "the price account already exists",
    PythLocalErrorCode.UNAUTHORIZED: "the signer is not the price account's write authority",
    PythLocalErrorCode.PUBLISH_TIME_NOT_INCREASING: "publish_time must be later than the stored "
    "price's",
    PythLocalErrorCode.PUBLISH_TIME_IN_FUTURE: "publish_time is more than 60 s ahead of the "
    "cluster clock",
    PythLocalErrorCode.INVALID_INSTRUCTION_DATA: "the instruction data has the wrong length",
    PythLocalErrorCode.UNKNOWN_INSTRUCTION: "the instruction discriminator is not one of this "
    "program's",
    PythLocalErrorCode.WRONG_PROGRAM_ID: "the system program account is not the System program",
}


def decode_pyth_local_error(
    transaction_error: object, logs: tuple[str, ...] = ()
) -> ProgramFailedError | None:
    """The named exception for a transaction the local receiver refused, else None."""
    return decode_program_error(
        "pyth_local", PythLocalErrorCode, PYTH_LOCAL_ERROR_MESSAGES, transaction_error, logs
    )
