"""``gridtokenx simulator serve``: the simulator service (control API, stream, fleet loop)."""

from __future__ import annotations

import argparse
import logging

from gridtokenx.config import get_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    simulator = commands.add_parser("simulator", help="the smart-meter fleet simulator")
    actions = simulator.add_subparsers(dest="action", required=True)
    serve = actions.add_parser(
        "serve", help="run the fleet and its control API until SIGTERM or Ctrl-C"
    )
    serve.add_argument("--host", help="listen address (default: simulator.host)")
    serve.add_argument("--port", type=int, help="listen port (default: simulator.port)")
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    # Imported here: the web stack loads only for this command, not for every `gridtokenx` call.
    import uvicorn

    from gridtokenx.simulator.service import build_process

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    process = build_process(settings)
    try:
        # uvicorn handles SIGTERM and SIGINT: it shuts the app down, which stops the runner.
        uvicorn.run(
            process.app,
            host=args.host or settings.simulator.host,
            port=args.port or settings.simulator.port,
            log_level="warning",
        )
    finally:
        process.close()
    return 0
