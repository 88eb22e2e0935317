"""The core errors: their place in the tree, their messages and their values."""

from __future__ import annotations

import inspect
import pickle

import pytest

import gridtokenx.errors
from gridtokenx.core import (
    AmountParseError,
    CoreError,
    InvalidAmountError,
    U64OverflowError,
    parse_gxt,
)
from gridtokenx.core import errors as core_errors

CORE_ERRORS = [
    cls
    for _, cls in inspect.getmembers(core_errors, inspect.isclass)
    if cls.__module__ == core_errors.__name__
]


def test_every_core_error_is_a_gridtokenx_error_under_core_error() -> None:
    assert len(CORE_ERRORS) == 8
    for cls in CORE_ERRORS:
        assert issubclass(cls, CoreError)
        assert issubclass(cls, gridtokenx.errors.GridTokenXError)


def test_every_core_error_is_drawn_in_the_tree() -> None:
    tree = gridtokenx.errors.__doc__ or ""
    for cls in CORE_ERRORS:
        assert f"── {cls.__name__} " in tree, cls.__name__


def test_errors_keep_the_offending_value_and_survive_pickling() -> None:
    with pytest.raises(AmountParseError) as caught:
        parse_gxt("1.1234567")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - bytes we just made
    assert type(copy) is AmountParseError
    assert str(copy) == str(caught.value)
    assert copy.value == caught.value.value == "1.1234567"


def test_overflow_is_an_invalid_amount() -> None:
    assert issubclass(U64OverflowError, InvalidAmountError)
    assert CoreError("message").value is None
