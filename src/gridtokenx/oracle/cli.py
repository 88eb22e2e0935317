"""``gridtokenx oracle``: publish local Pyth prices, print the current USDC → local price."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from gridtokenx.config import get_settings
from gridtokenx.errors import GridTokenXError
from gridtokenx.oracle.app import publish, read_quote
from gridtokenx.oracle.quotes import FeedPrice, UsdcQuote
from gridtokenx.oracle.valuation import Rounding
from gridtokenx.service_process import signalled_stop, start_service

UNUSABLE_EXIT_CODE = 2
ONE_USDC = 1_000_000


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    oracle = commands.add_parser("oracle", help="Pyth reference prices: USDC → local currency")
    actions = oracle.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "publish", help="keep the local node's Pyth price accounts fresh (local node only)"
    )
    run.add_argument("--cycles", type=int, metavar="N", help="stop after N cycles")
    run.add_argument("--no-metrics", action="store_true", help="do not serve Prometheus metrics")
    run.set_defaults(handler=_publish)
    price = actions.add_parser(
        "price", help="print the current USDC → local price and its flags (exit 2 if flagged)"
    )
    price.add_argument("--rpc-url", help="JSON-RPC URL (default: the settings' cluster)")
    price.add_argument(
        "--usdc", type=int, default=ONE_USDC, metavar="BASE_UNITS", help="amount to value"
    )
    price.add_argument("--json", action="store_true", help="print JSON")
    price.set_defaults(handler=_price)


def _publish(args: argparse.Namespace) -> int:
    settings = get_settings()
    oracle = settings.oracle
    start_service(oracle.metrics_host, oracle.metrics_port, serve_metrics=not args.no_metrics)

    async def run() -> None:
        stop = signalled_stop()
        await publish(settings, stop, args.cycles)

    asyncio.run(run())
    return 0


def _feed_json(feed: FeedPrice) -> dict[str, object]:
    update = feed.update
    return {
        "feed": feed.name,
        "feed_id": update.feed_id.hex(),
        "account": str(feed.address),
        "price": update.price,
        "conf": update.conf,
        "exponent": update.exponent,
        "publish_time": update.publish_time,
        "age_s": feed.age_s,
        "verification": str(update.verification),
        "flags": list(feed.flags.raised),
    }


def _feed_line(feed: FeedPrice) -> str:
    update = feed.update
    flags = ", ".join(feed.flags.raised) or "none"
    scale = f"10^{update.exponent}"
    return (
        f"{feed.name:<9} {update.price} ±{update.conf} *{scale}  published {feed.age_s} s ago  "
        f"verification {update.verification}  flags: {flags}  ({feed.address})"
    )


def _render(quote: UsdcQuote, usdc: int, as_json: bool) -> tuple[str, int]:
    currency = quote.currency
    value: int | None
    problem: str | None
    try:
        usable = quote.usable()
    except GridTokenXError as exc:
        value, problem, code = None, str(exc), UNUSABLE_EXIT_CODE
    else:
        value, problem, code = usable.to_local_minor(usdc, Rounding.HALF_EVEN), None, 0
    if as_json:
        document = {
            "currency": currency.currency,
            "usdc_base_units": usdc,
            "local_minor_units": value,
            "minor_unit_digits": currency.minor_unit_digits,
            "rounding": Rounding.HALF_EVEN.value,
            "usable": problem is None,
            "problem": problem,
            "cluster_time": quote.usdc_usd.cluster_time,
            "feeds": [_feed_json(feed) for feed in quote.feeds],
        }
        return json.dumps(document, indent=2) + "\n", code
    cluster_time = datetime.fromtimestamp(quote.usdc_usd.cluster_time, UTC).isoformat()
    lines = [f"USDC → {currency.currency} at cluster time {cluster_time}"]
    lines += [_feed_line(feed) for feed in quote.feeds]
    if value is None:
        lines.append(f"NOT USABLE: {problem}")
    else:
        whole, minor = divmod(value, 10**currency.minor_unit_digits)
        text = (
            f"{whole}.{minor:0{currency.minor_unit_digits}d}"
            if currency.minor_unit_digits
            else str(whole)
        )
        usdc_text = f"{usdc // ONE_USDC}.{usdc % ONE_USDC:06d}"
        lines.append(f"{usdc_text} USDC = {text} {currency.currency} (rounded half-even)")
    return "\n".join(lines) + "\n", code


def _price(args: argparse.Namespace) -> int:
    quote = asyncio.run(read_quote(get_settings(), args.rpc_url))
    text, code = _render(quote, args.usdc, args.json)
    sys.stdout.write(text)
    return code
