"""The ``gridtokenx`` command; each component adds its own subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gridtokenx.chain import cli as chain_cli
from gridtokenx.db import cli as db_cli
from gridtokenx.errors import GridTokenXError
from gridtokenx.market import cli as market_cli
from gridtokenx.minting import cli as minting_cli
from gridtokenx.simulator import cli as simulator_cli
from gridtokenx.stack import cli as stack_cli
from gridtokenx.telemetry import cli as telemetry_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridtokenx", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    stack_cli.register(commands)
    db_cli.register(commands)
    telemetry_cli.register(commands)
    chain_cli.register(commands)
    simulator_cli.register(commands)
    minting_cli.register(commands)
    market_cli.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except GridTokenXError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return code
