"""``python -m gridtokenx.sbf``: link, check and toolchain commands used by programs/programs.mk."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gridtokenx.errors import GridTokenXError
from gridtokenx.sbf.check import check_program_file
from gridtokenx.sbf.link import link_files
from gridtokenx.sbf.toolchain import ensure_toolchain


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gridtokenx.sbf", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    link = commands.add_parser("link", help="link BPF objects into an SBPFv0 program")
    link.add_argument("-o", "--output", type=Path, required=True, help="the .so to write")
    link.add_argument("objects", type=Path, nargs="+", help="clang -target bpf objects")
    check = commands.add_parser("check", help="refuse ALU32/JMP32 instructions in a program")
    check.add_argument("program", type=Path)
    commands.add_parser("ensure-toolchain", help="install clang-16 and lld-16 if missing")
    args = parser.parse_args(argv)
    try:
        if args.command == "link":
            program = link_files(args.objects, args.output)
            _say(
                f"linked {args.output}: {len(program.image)} bytes, .text {program.text_size}, "
                f".rodata {program.rodata_size}, syscalls {', '.join(program.syscalls) or '-'}"
            )
        elif args.command == "check":
            count = check_program_file(args.program)
            _say(f"checked {args.program}: {count} instructions, no ALU32/JMP32")
        else:
            installed = ensure_toolchain()
            _say(f"installed {', '.join(installed)}" if installed else "toolchain present")
    except (GridTokenXError, OSError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
