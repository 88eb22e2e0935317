"""``gridtokenx stack up|down|status|logs``."""

from __future__ import annotations

import argparse
import json
import sys
import time

from gridtokenx.config import get_settings
from gridtokenx.stack.manager import ServiceState, ServiceStatus, StackManager

_FOLLOW_POLL_S = 0.5


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stack = commands.add_parser("stack", help="run the platform's local services")
    actions = stack.add_subparsers(dest="action", required=True)

    up = actions.add_parser("up", help="install, start and provision services (idempotent)")
    up.add_argument("services", nargs="*", help="services to start (default: all)")
    up.set_defaults(handler=_up)

    down = actions.add_parser("down", help="stop the services this stack started")
    down.add_argument("services", nargs="*", help="services to stop (default: all)")
    down.set_defaults(handler=_down)

    status = actions.add_parser("status", help="health, pid and ports of each service")
    status.add_argument("services", nargs="*", help="services to show (default: all)")
    status.add_argument("--json", action="store_true", help="print machine-readable JSON")
    status.set_defaults(handler=_status)

    logs = actions.add_parser("logs", help="print a service's log")
    logs.add_argument("service")
    logs.add_argument("-n", "--lines", type=int, default=50, help="lines from the end (default 50)")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    logs.set_defaults(handler=_logs)


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _render(statuses: list[ServiceStatus]) -> str:
    rows = [("SERVICE", "STATE", "PID", "PORTS", "VERSION", "DETAIL")]
    for status in statuses:
        ports = ",".join(f"{label}={port}" for label, port in status.ports.items())
        pid = str(status.pid) if status.pid is not None else "-"
        rows.append((status.name, status.state.value, pid, ports, status.version, status.detail))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True))
        + ("  " + row[5] if row[5] else "")
        for row in rows
    )


def _exit_code(statuses: list[ServiceStatus]) -> int:
    return 0 if all(status.state is ServiceState.HEALTHY for status in statuses) else 1


def _up(args: argparse.Namespace) -> int:
    settings = get_settings()
    _print(f"state directory: {settings.state_dir}")
    manager = StackManager(settings)
    statuses = manager.up(args.services, progress=_print)
    _print(_render(statuses))
    links = [link for service in manager.select(args.services) for link in service.urls()]
    if links:
        _print("\nOpen:")
        width = max(len(what) for what, _ in links)
        for what, address in links:
            _print(f"  {what.ljust(width)}  {address}")
    return _exit_code(statuses)


def _down(args: argparse.Namespace) -> int:
    StackManager(get_settings()).down(args.services, progress=_print)
    return 0


def _status(args: argparse.Namespace) -> int:
    statuses = StackManager(get_settings()).status(args.services)
    if args.json:
        _print(json.dumps([status.as_json() for status in statuses], indent=2))
    else:
        _print(_render(statuses))
    return _exit_code(statuses)


def _logs(args: argparse.Namespace) -> int:
    manager = StackManager(get_settings())
    (service,) = manager.select([args.service])
    path = manager.log_path(service)
    if not path.exists():
        _print(f"{service.name} has written no log yet ({path})")
        return 0
    with path.open(errors="replace") as log:
        for line in log.readlines()[-args.lines :]:
            sys.stdout.write(line)
        while args.follow:
            line = log.readline()
            if line:
                sys.stdout.write(line)
                sys.stdout.flush()
            else:
                time.sleep(_FOLLOW_POLL_S)
    return 0
