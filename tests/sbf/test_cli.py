"""``python -m gridtokenx.sbf``: the commands programs/programs.mk runs."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from gridtokenx.sbf.cli import main
from tests.utils.sbf import PROGRAMS_MK, SBF_CFLAGS, compile_c

ENTRYPOINT_ONLY = "#include <stdint.h>\nuint64_t entrypoint(void) { return 0; }"


def test_link_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    obj = compile_c(ENTRYPOINT_ONLY, tmp_path, "tiny")
    program = tmp_path / "out" / "tiny.so"

    assert main(["link", "-o", str(program), str(obj)]) == 0
    assert main(["check", str(program)]) == 0

    out = capsys.readouterr().out
    assert f"linked {program}: {program.stat().st_size} bytes" in out
    assert f"checked {program}: 2 instructions, no ALU32/JMP32" in out


def test_link_error_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    obj = compile_c("#include <stdint.h>\nuint64_t start(void) { return 0; }", tmp_path, "x")

    assert main(["link", "-o", str(tmp_path / "x.so"), str(obj)]) == 1

    captured = capsys.readouterr()
    assert captured.err.startswith("error: no object defines a global function `entrypoint`")
    assert not (tmp_path / "x.so").exists()


def test_check_of_a_missing_file_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "absent.so")]) == 1
    assert "absent.so" in capsys.readouterr().err


def test_ensure_toolchain_finds_clang(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ensure-toolchain"]) == 0
    assert capsys.readouterr().out == "toolchain present\n"


def test_programs_mk_pins_the_flags_tests_compile_with() -> None:
    line = next(
        line for line in PROGRAMS_MK.read_text().splitlines() if line.startswith("SBF_CFLAGS :=")
    )

    assert shlex.split(line.removeprefix("SBF_CFLAGS :=")) == SBF_CFLAGS
