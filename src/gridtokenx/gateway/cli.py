"""``gridtokenx gateway serve``: the API gateway until SIGTERM or Ctrl-C; ``gridtokenx gateway
openapi``: its OpenAPI document on stdout (``web/shared/openapi.json``)."""

from __future__ import annotations

import argparse
import sys

from gridtokenx.config import get_settings
from gridtokenx.gateway.feed.cli import register_feed
from gridtokenx.gateway.server import serve


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gateway = commands.add_parser("gateway", help="the API gateway (REST under /v1)")
    actions = gateway.add_subparsers(dest="action", required=True)
    serve_parser = actions.add_parser("serve", help="serve the gateway's HTTP API")
    serve_parser.add_argument("--host", help="override gateway.host")
    serve_parser.add_argument("--port", type=int, help="override gateway.port")
    serve_parser.add_argument("--workers", type=int, help="override gateway.workers")
    serve_parser.add_argument(
        "--server", choices=("granian", "hypercorn"), help="override gateway.server"
    )
    serve_parser.set_defaults(handler=_serve)
    register_feed(actions)
    openapi_parser = actions.add_parser(
        "openapi", help="print the OpenAPI document (JSON, keys sorted: a stable diff)"
    )
    openapi_parser.set_defaults(handler=_openapi)


def _serve(args: argparse.Namespace) -> int:
    gateway = get_settings().gateway
    overrides = {
        name: value
        for name in ("host", "port", "workers", "server")
        if (value := getattr(args, name)) is not None
    }
    serve(gateway.model_copy(update=overrides))
    return 0


def _openapi(_: argparse.Namespace) -> int:
    from gridtokenx.gateway.openapi_document import openapi_json

    sys.stdout.write(openapi_json())
    return 0
