"""The chain service layer's errors: in the tree, and program codes decoded to named errors."""

from __future__ import annotations

import inspect

from solders.pubkey import Pubkey

import gridtokenx.errors
from gridtokenx.chain import addresses, bootstrap, faucet, keys, local_node
from gridtokenx.chain.client import errors as client_errors
from gridtokenx.chain.client.program_errors import decode_failure, program_decoders
from gridtokenx.chain.registry.errors import RegistryErrorCode
from gridtokenx.chain.trading.errors import TradingErrorCode

MODULES = (client_errors, addresses, bootstrap, faucet, keys, local_node)


def test_every_error_is_drawn_in_the_tree() -> None:
    tree = gridtokenx.errors.__doc__ or ""
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(
                cls, gridtokenx.errors.GridTokenXError
            ):
                assert f"── {cls.__name__} " in tree, cls.__name__


def test_a_custom_code_is_decoded_by_the_program_of_the_failing_instruction() -> None:
    registry, trading, other = Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique()
    decoders = program_decoders(registry, trading)
    programs = [other, trading, registry]
    failure = {"InstructionError": [1, {"Custom": TradingErrorCode.SELF_TRADE.value}]}
    decoded = decode_failure(failure, ("log",), programs, decoders)
    assert decoded is not None
    assert (decoded.program, decoded.code, decoded.logs) == (
        "trading",
        TradingErrorCode.SELF_TRADE,
        ("log",),
    )
    same_code = {"InstructionError": [2, {"Custom": RegistryErrorCode.UNAUTHORIZED.value}]}
    decoded = decode_failure(same_code, (), programs, decoders)
    assert decoded is not None
    assert decoded.code is RegistryErrorCode.UNAUTHORIZED
    for undecodable in (
        {"InstructionError": [0, {"Custom": 6000}]},  # a program we do not know
        {"InstructionError": [1, "ComputationalBudgetExceeded"]},
        {"InstructionError": [7, {"Custom": 6000}]},  # no such instruction
        {"InstructionError": [1, {"Custom": 1}]},  # not one of the program's codes
        "BlockhashNotFound",
    ):
        assert decode_failure(undecodable, (), programs, decoders) is None
