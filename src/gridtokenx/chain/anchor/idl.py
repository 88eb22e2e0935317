"""Anchor IDL documents (the 0.30+ format that @coral-xyz/anchor 0.30+ loads) built from the
program interfaces declared in Python, so that the IDL, the client and the tests share one
declaration. ``python -m gridtokenx.chain.idls`` rewrites the checked-in IDL files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.layout import (
    AnchorAccount,
    AnchorInstruction,
    BorshStruct,
    Vec,
    idl_type,
)

IDL_SPEC_VERSION = "0.1.0"


@dataclass(frozen=True)
class ProgramError:
    code: int
    name: str
    message: str


@dataclass(frozen=True)
class ProgramInterface:
    name: str
    version: str
    description: str
    instructions: tuple[type[AnchorInstruction], ...]
    accounts: tuple[type[AnchorAccount], ...]
    errors: tuple[ProgramError, ...]

    def defined_types(self) -> list[type[BorshStruct]]:
        """Account structs and every struct an argument refers to, in first-use order."""
        found: list[type[BorshStruct]] = list(self.accounts)
        for instruction in self.instructions:
            for _, kind in instruction.layout().fields:
                if isinstance(kind, Vec) and kind.element not in found:
                    found.append(kind.element)
        return found


def _fields(struct_type: type[BorshStruct]) -> list[dict[str, object]]:
    return [{"name": name, "type": idl_type(kind)} for name, kind in struct_type.layout().fields]


def build_idl(program: ProgramInterface, address: Pubkey) -> dict[str, object]:
    instructions = []
    for instruction in program.instructions:
        accounts: list[dict[str, object]] = []
        for spec in instruction.ACCOUNTS:
            entry: dict[str, object] = {"name": spec.name}
            if spec.docs:
                entry["docs"] = [spec.docs]
            if spec.writable:
                entry["writable"] = True
            if spec.signer:
                entry["signer"] = True
            if spec.address is not None:
                entry["address"] = str(spec.address)
            accounts.append(entry)
        described: dict[str, object] = {
            "name": instruction.NAME,
            "discriminator": list(instruction.discriminator()),
            "accounts": accounts,
            "args": _fields(instruction),
        }
        if instruction.__doc__:
            described["docs"] = [" ".join(instruction.__doc__.split())]
        instructions.append(described)
    return {
        "address": str(address),
        "metadata": {
            "name": program.name,
            "version": program.version,
            "spec": IDL_SPEC_VERSION,
            "description": program.description,
        },
        "instructions": instructions,
        "accounts": [
            {"name": account.__name__, "discriminator": list(account.discriminator())}
            for account in program.accounts
        ],
        "errors": [
            {"code": error.code, "name": error.name, "msg": error.message}
            for error in program.errors
        ],
        "types": [
            {
                "name": struct_type.__name__,
                "type": {"kind": "struct", "fields": _fields(struct_type)},
            }
            for struct_type in program.defined_types()
        ],
    }


def render_idl(program: ProgramInterface, address: Pubkey) -> str:
    return json.dumps(build_idl(program, address), indent=2) + "\n"


def write_idl(program: ProgramInterface, address: Pubkey, path: Path) -> None:
    path.write_text(render_idl(program, address))
