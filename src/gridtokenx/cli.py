"""The ``gridtokenx`` command; each component adds its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Final

from gridtokenx.errors import GridTokenXError

COMMAND_MODULES: Final = {
    "stack": "gridtokenx.stack.cli",
    "db": "gridtokenx.db.cli",
    "telemetry": "gridtokenx.telemetry.cli",
    "chain": "gridtokenx.chain.cli",
    "simulator": "gridtokenx.simulator.cli",
    "mint": "gridtokenx.minting.cli",
    "market": "gridtokenx.market.cli",
    "indexer": "gridtokenx.indexer.cli",
    "settlement": "gridtokenx.settlement.cli",
    "oracle": "gridtokenx.oracle.cli",
    "agents": "gridtokenx.agents.cli",
    "gateway": "gridtokenx.gateway.cli",
    "notifier": "gridtokenx.notifications.cli",
    "mailbox": "gridtokenx.mailbox.cli",
    "pipeline": "gridtokenx.pipeline_metrics.cli",
}
"""Each top-level command and the module whose ``register`` adds it."""


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser for ``argv``: only the named command's module is imported when ``argv`` names
    one, so a service process registers only its own Prometheus metrics (and starts sooner)."""
    parser = argparse.ArgumentParser(prog="gridtokenx", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    named = [argv[0]] if argv and argv[0] in COMMAND_MODULES else list(COMMAND_MODULES)
    for command in named:
        importlib.import_module(COMMAND_MODULES[command]).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(arguments).parse_args(arguments)
    try:
        code: int = args.handler(args)
    except GridTokenXError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return code
