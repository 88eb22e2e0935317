"""``gridtokenx mailbox serve``: the local SMTP server until SIGTERM; ``gridtokenx mailbox
list``: the stored messages' dates, recipients and subjects."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from gridtokenx.config import get_settings
from gridtokenx.mailbox.reader import default_maildir, read_messages
from gridtokenx.mailbox.server import start_server
from gridtokenx.service_process import stop_on_signals


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mailbox = commands.add_parser("mailbox", help="the local mail server (SMTP → Maildir)")
    actions = mailbox.add_subparsers(dest="action", required=True)
    serve = actions.add_parser("serve", help="accept SMTP on mailbox.host:port, store messages")
    serve.set_defaults(handler=_serve)
    listing = actions.add_parser("list", help="list the stored messages, oldest first")
    listing.set_defaults(handler=_list)


def _serve(_: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    group = settings.mailbox
    directory = default_maildir(settings)
    controller = start_server(
        directory, host=group.host, port=group.port, max_message_bytes=group.max_message_bytes
    )
    logging.getLogger(__name__).info(
        "mailbox on %s:%d storing into %s", group.host, group.port, directory
    )
    stop = threading.Event()
    stop_on_signals(stop.set)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()
    return 0


def _list(_: argparse.Namespace) -> int:
    for message in read_messages(default_maildir(get_settings())):
        sys.stdout.write(f"{message['Date']}\t{message['To']}\t{message['Subject']}\n")
    return 0
