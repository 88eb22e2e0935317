from __future__ import annotations

import json

import pytest

from gridtokenx.chain.idls import (
    PROGRAM_INTERFACES,
    header_path,
    idl_path,
    rendered_header,
    rendered_idl,
)


@pytest.mark.parametrize("program_name", sorted(PROGRAM_INTERFACES))
def test_checked_in_idl_and_header_are_current(program_name: str) -> None:
    regenerate = "regenerate with `python -m gridtokenx.chain.idls`"
    assert idl_path(program_name).read_text() == rendered_idl(program_name), regenerate
    assert header_path(program_name).read_text() == rendered_header(program_name), regenerate


@pytest.mark.parametrize("program_name", sorted(PROGRAM_INTERFACES))
def test_idl_has_the_anchor_030_shape(program_name: str) -> None:
    idl = json.loads(idl_path(program_name).read_text())
    assert set(idl) == {"address", "metadata", "instructions", "accounts", "errors", "types"}
    assert idl["metadata"]["spec"] == "0.1.0"
    type_names = {defined["name"] for defined in idl["types"]}
    for account in idl["accounts"]:
        assert len(account["discriminator"]) == 8
        assert account["name"] in type_names
    discriminators = [tuple(i["discriminator"]) for i in idl["instructions"]]
    assert len(set(discriminators)) == len(discriminators)
    codes = [error["code"] for error in idl["errors"]]
    assert codes == list(range(6000, 6000 + len(codes)))
