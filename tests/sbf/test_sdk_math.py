"""The SDK's checked arithmetic (programs/sdk/gtx_math.h), run on chain, judged by Python ints."""

from __future__ import annotations

import random
import struct
from collections.abc import Iterator

import pytest
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey

from gridtokenx.sbf import link_files
from tests.utils.sbf import TEST_PROGRAMS, compile_file, run_instruction, succeeded

U64 = 1 << 64
CASES_PER_TRANSACTION = 40
EDGES = [
    0,
    1,
    2,
    3,
    7,
    10**6,
    2**31,
    2**32 - 1,
    2**32,
    2**32 + 1,
    2**63 - 1,
    2**63,
    U64 - 2,
    U64 - 1,
]
ADD, SUB, MUL, MUL_WIDE, DIV_WIDE, MUL_DIV_FLOOR, MUL_DIV_CEIL = range(7)

Case = tuple[int, int, int, int]
Expected = tuple[bool, int | None, int | None]


def expected(case: Case) -> Expected:
    """(failed, x, y); None where the SDK leaves the output unspecified."""
    operation, a, b, c = case
    if operation == ADD:
        return (a + b >= U64, None if a + b >= U64 else a + b, None)
    if operation == SUB:
        return (b > a, None if b > a else a - b, None)
    if operation == MUL:
        return (a * b >= U64, None if a * b >= U64 else a * b, None)
    if operation == MUL_WIDE:
        return (False, a * b % U64, a * b // U64)
    if operation == DIV_WIDE:
        if c == 0 or b >= c:
            return (True, None, None)
        quotient, remainder = divmod(b * U64 + a, c)
        return (False, quotient, remainder)
    if c == 0:
        return (True, None, None)
    result = a * b // c if operation == MUL_DIV_FLOOR else -(-(a * b) // c)
    return (result >= U64, None if result >= U64 else result, None)


def cases() -> Iterator[Case]:
    rng = random.Random(20260323)
    for operation in range(7):
        for a in EDGES:
            for b in EDGES:
                yield (operation, a, b, rng.choice(EDGES))
        for _ in range(200):
            a, b = rng.getrandbits(rng.randint(1, 64)), rng.getrandbits(rng.randint(1, 64))
            c = rng.getrandbits(rng.randint(1, 64))
            if operation == DIV_WIDE and c and rng.random() < 0.8:
                b %= c  # mostly quotients that fit, to test the division itself
            yield (operation, a, b, c)


@pytest.fixture(scope="module")
def math_program(tmp_path_factory: pytest.TempPathFactory) -> tuple[LiteSVM, Pubkey]:
    directory = tmp_path_factory.mktemp("sdk_math")
    source = TEST_PROGRAMS / "sdk_math.c"
    program = link_files([compile_file(source, directory / "sdk_math.o")], directory / "m.so")
    svm = LiteSVM()
    program_id = Pubkey.new_unique()
    svm.add_program(program_id, program.image)
    return svm, program_id


def test_checked_arithmetic_matches_exact_integers(math_program: tuple[LiteSVM, Pubkey]) -> None:
    svm, program_id = math_program
    all_cases = list(cases())
    mismatches = []
    for start in range(0, len(all_cases), CASES_PER_TRANSACTION):
        batch = all_cases[start : start + CASES_PER_TRANSACTION]
        data = b"".join(struct.pack("<BQQQ", *case) for case in batch)
        returned = bytes(succeeded(run_instruction(svm, program_id, data)).return_data().data)
        for index, case in enumerate(batch):
            failed, x, y = struct.unpack_from("<BQQ", returned, 17 * index)
            want_failed, want_x, want_y = expected(case)
            if (
                bool(failed),
                x if want_x is not None else None,
                y if want_y is not None else None,
            ) != (want_failed, want_x, want_y):
                mismatches.append((case, (failed, x, y), (want_failed, want_x, want_y)))
    assert mismatches == []
    assert len(all_cases) > 2000
