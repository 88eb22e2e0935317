"""The SDK's syscall declarations (programs/sdk/gtx_syscalls.h) match the runtime's layouts."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey

from gridtokenx.sbf import link_files
from tests.utils.sbf import TEST_PROGRAMS, compile_file, run_instruction, succeeded


def test_sha256_pda_and_clock_agree_with_the_runtime(tmp_path: Path) -> None:
    obj = compile_file(TEST_PROGRAMS / "sdk_syscalls.c", tmp_path / "sdk_syscalls.o")
    program = link_files([obj], tmp_path / "sdk_syscalls.so")
    svm = LiteSVM()
    svm.warp_to_slot(4242)
    program_id = Pubkey.new_unique()
    svm.add_program(program_id, program.image)
    data = b"meter-7 reading"

    returned = bytes(succeeded(run_instruction(svm, program_id, data)).return_data().data)

    address, bump = Pubkey.find_program_address([b"gtx", data], program_id)
    assert returned[:32] == hashlib.sha256(data).digest()
    assert returned[32:64] == bytes(address)
    assert returned[64] == bump
    assert struct.unpack("<Q", returned[65:73])[0] == 4242
