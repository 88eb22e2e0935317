"""The Trading client without a chain: layouts, builders' refusals and error decoding."""

from __future__ import annotations

import pytest
from solders.pubkey import Pubkey
from solders.transaction_status import (
    InstructionErrorCustom,
    InstructionErrorFieldless,
    TransactionErrorFieldless,
    TransactionErrorInstructionError,
)

from gridtokenx.chain.trading.accounts import Market, Order
from gridtokenx.chain.trading.builders import MarketKeys, OrderRequest, place_order_instruction
from gridtokenx.chain.trading.errors import (
    TradingErrorCode,
    TradingRequestError,
    decode_trading_error,
)
from gridtokenx.chain.trading.instructions import Fill, Settle


def test_account_sizes_match_the_contract() -> None:
    assert (Market.size(), Order.size()) == (240, 160)


def test_settle_data_is_a_borsh_vec_of_fills() -> None:
    data = Settle(fills=(Fill(quantity=5, price=7), Fill(quantity=1, price=2))).data()
    assert data[8:12] == (2).to_bytes(4, "little")
    assert data[12:] == b"".join(v.to_bytes(8, "little") for v in (5, 7, 1, 2))


def test_place_order_builder_refuses_an_unknown_side() -> None:
    keys = MarketKeys.derive(
        Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique()
    )
    request = OrderRequest(Pubkey.new_unique(), 1, 2, 1, 1, Pubkey.new_unique())  # type: ignore[arg-type]
    with pytest.raises(TradingRequestError, match="0 \\(buy\\) or 1 \\(sell\\)"):
        place_order_instruction(keys, request)


def test_decode_names_the_trading_error() -> None:
    failed = TransactionErrorInstructionError(0, InstructionErrorCustom(6019))
    error = decode_trading_error(failed, ("log",))
    assert error is not None
    assert error.code is TradingErrorCode.OVERFILL
    assert "Overfill (6019)" in str(error)
    assert (
        decode_trading_error(TransactionErrorInstructionError(0, InstructionErrorCustom(1))) is None
    )
    assert decode_trading_error(TransactionErrorFieldless.AccountInUse) is None
    assert (
        decode_trading_error(
            TransactionErrorInstructionError(0, InstructionErrorFieldless.MissingRequiredSignature)
        )
        is None
    )
