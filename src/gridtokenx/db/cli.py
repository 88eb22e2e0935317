"""``gridtokenx db upgrade|current``."""

from __future__ import annotations

import argparse
import sys

from gridtokenx.config import get_settings
from gridtokenx.db.migrate import current_revision, upgrade_to_head


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    database = commands.add_parser("db", help="the platform's PostgreSQL schema")
    actions = database.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="migrate to the newest schema").set_defaults(
        handler=_upgrade
    )
    actions.add_parser("current", help="print the schema revision").set_defaults(handler=_current)


def _upgrade(_: argparse.Namespace) -> int:
    upgrade_to_head(get_settings().postgres.url)
    return _current(_)


def _current(_: argparse.Namespace) -> int:
    sys.stdout.write(f"{current_revision(get_settings().postgres.url) or 'empty'}\n")
    return 0
