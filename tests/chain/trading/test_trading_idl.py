"""The checked-in IDL describes the deployed Trading program: every instruction it lists is
dispatched, and every account it lists is what the program writes."""

from __future__ import annotations

import json

import pytest
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.layout import AnchorAccount
from gridtokenx.chain.idls import idl_path
from gridtokenx.chain.trading.accounts import Market, Order, OrderSide, TimeInForce
from gridtokenx.chain.trading.errors import TradingErrorCode
from tests.utils.svm import error_code
from tests.utils.trading import MarketFixture, TradingChain

IDL = json.loads(idl_path("trading").read_text())


@pytest.mark.parametrize("instruction", IDL["instructions"], ids=lambda i: i["name"])
def test_every_idl_instruction_is_dispatched(
    chain: TradingChain, instruction: dict[str, list[int]]
) -> None:
    result = chain.send([Instruction(chain.program_id, bytes(instruction["discriminator"]), [])])
    assert error_code(result) not in (None, TradingErrorCode.UNKNOWN_INSTRUCTION)


def test_unknown_discriminator_is_refused(chain: TradingChain) -> None:
    result = chain.send([Instruction(chain.program_id, bytes(8), [])])
    assert error_code(result) == TradingErrorCode.UNKNOWN_INSTRUCTION


def test_every_idl_account_is_what_the_program_writes(market: MarketFixture) -> None:
    seller = market.new_trader(energy=10**9)
    order = market.place(seller, OrderSide.SELL, 1_000_000, 10**6)
    idl_accounts = {account["name"]: account["discriminator"] for account in IDL["accounts"]}
    written: dict[type[AnchorAccount], Pubkey] = {Market: market.keys.market, Order: order}
    assert set(idl_accounts) == {account_type.__name__ for account_type in written}
    for account_type, address in written.items():
        account = market.chain.svm.get_account(address)
        assert account is not None
        assert account.owner == market.chain.program_id
        assert list(bytes(account.data)[:8]) == idl_accounts[account_type.__name__]
        assert len(account.data) == account_type.size()


def test_the_idl_describes_time_in_force() -> None:
    [place] = [i for i in IDL["instructions"] if i["name"] == "place_order"]
    assert place["args"][-1] == {"name": "time_in_force", "type": "u8"}
    [order] = [t for t in IDL["types"] if t["name"] == "Order"]
    fields = order["type"]["fields"]
    assert [f["name"] for f in fields[-3:]] == ["bump", "time_in_force", "reserved"]
    assert fields[-1]["type"] == {"array": ["u8", 13]}
    assert {"code": 6026, "name": "InvalidTimeInForce"}.items() <= next(
        e for e in IDL["errors"] if e["code"] == TradingErrorCode.INVALID_TIME_IN_FORCE
    ).items()


def test_a_time_in_force_order_is_what_the_idl_layout_decodes(market: MarketFixture) -> None:
    seller = market.new_trader(energy=10**6)
    order = market.place(seller, OrderSide.SELL, 1_000_000, 10**6, time_in_force=TimeInForce.IOC)
    account = market.chain.svm.get_account(order)
    assert account is not None
    assert bytes(account.data)[146] == TimeInForce.IOC
    assert Order.decode(bytes(account.data)).time_in_force == TimeInForce.IOC
