"""The checked-in IDL describes the deployed program: every instruction it lists is one the
program dispatches, and every account it lists is what the program writes."""

from __future__ import annotations

import json

import pytest
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.layout import AnchorAccount
from gridtokenx.chain.idls import idl_path
from gridtokenx.chain.registry.accounts import MeterAccount, RegistryConfig, UserAccount
from gridtokenx.chain.registry.errors import RegistryErrorCode
from gridtokenx.chain.registry.pda import config_address, meter_address, user_address
from tests.utils.registry import RegistryHarness
from tests.utils.svm import build_program, error_code

IDL = json.loads(idl_path("registry").read_text())


@pytest.fixture(scope="module")
def registry() -> RegistryHarness:
    return RegistryHarness.deploy(build_program("registry"))


@pytest.mark.parametrize("instruction", IDL["instructions"], ids=lambda i: i["name"])
def test_every_idl_instruction_is_dispatched(
    registry: RegistryHarness, instruction: dict[str, list[int]]
) -> None:
    data = bytes(instruction["discriminator"])
    result = registry.send([Instruction(registry.program_id, data, [])])
    assert error_code(result) not in (None, RegistryErrorCode.UNKNOWN_INSTRUCTION)


def test_unknown_discriminator_is_refused(registry: RegistryHarness) -> None:
    result = registry.send([Instruction(registry.program_id, bytes(8), [])])
    assert error_code(result) == RegistryErrorCode.UNKNOWN_INSTRUCTION


def test_every_idl_account_is_what_the_program_writes(registry: RegistryHarness) -> None:
    meter = registry.new_meter()
    written: dict[type[AnchorAccount], Pubkey] = {
        RegistryConfig: config_address(registry.program_id)[0],
        UserAccount: user_address(registry.program_id, meter.owner.pubkey())[0],
        MeterAccount: meter_address(registry.program_id, meter.meter_id)[0],
    }
    idl_accounts = {account["name"]: account["discriminator"] for account in IDL["accounts"]}
    assert set(idl_accounts) == {account_type.__name__ for account_type in written}
    for account_type, address in written.items():
        account = registry.svm.get_account(address)
        assert account is not None
        assert account.owner == registry.program_id
        assert list(bytes(account.data)[:8]) == idl_accounts[account_type.__name__]
        assert len(account.data) == account_type.size()
