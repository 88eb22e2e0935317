"""The compiled build of the matching core (``make native``) is current and equals the sources.

When the build exists (``native/market_core.py``), every other market test runs against it;
these tests check that it was built from the current sources and that the sources, loaded in a
process of their own, give the same events for a long mixed command log, malformed commands
included. Without a build they compare the sources with themselves.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from gridtokenx.market import (
    AddOrder,
    AdvanceTime,
    CancelOrder,
    MarketConfig,
    MarketMode,
    MatchingEngine,
    Side,
    TimeInForce,
)
from gridtokenx.market.compiled import compiled_modules, stale_modules

ROOT = Path(__file__).resolve().parents[2]
OWNERS = ("alice", "bob", "carol", "dave")
ODD_VALUES: tuple[object, ...] = (None, 1.0, True, "7", -1, 2**64, [])


def _field(rng: random.Random, value: object) -> object:
    return rng.choice(ODD_VALUES) if rng.random() < 0.02 else value


def _command(rng: random.Random, now_ms: int, mode: MarketMode) -> object:
    draw = rng.random()
    if draw < 0.25:
        return CancelOrder(_field(rng, rng.randint(1, 300)))  # type: ignore[arg-type]
    if draw < 0.3:
        return AdvanceTime(_field(rng, now_ms))  # type: ignore[arg-type]
    if draw < 0.31:
        return ("not", "a", "command")
    fields = [
        rng.randint(1, 300),
        rng.choice(OWNERS),
        rng.choice((Side.BUY, Side.SELL)),
        None if rng.random() < 0.1 else rng.randint(95, 105),
        rng.randint(1, 30),
        now_ms,
        rng.choice((TimeInForce.GTC, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK)),
        rng.random() < 0.1,
        None if rng.random() < 0.8 else now_ms + rng.randint(1, 2_000),
    ]
    return AddOrder(*(_field(rng, value) for value in fields))  # type: ignore[arg-type]


def replay(seed: int) -> list[str]:
    """The events of a seeded log of 4,000 commands per market mode, as ``repr`` strings."""
    rng = random.Random(seed)
    lines: list[str] = []
    for mode in (MarketMode.CONTINUOUS, MarketMode.AUCTION):
        engine = MatchingEngine(
            MarketConfig(market_order_band_per_kwh=5, mode=mode, auction_interval_ms=1_000)
        )
        now_ms = 0
        for _ in range(4_000):
            now_ms = max(0, now_ms + rng.randint(-20, 150))
            lines.extend(repr(event) for event in engine.apply(_command(rng, now_ms, mode)))
        lines.append(repr(engine.snapshot()))
    return lines


_SOURCES_REPLAY = """
import json, sys
from gridtokenx.market.compiled import compiled_modules, load_sources
load_sources()
from tests.market.test_compiled import replay
assert compiled_modules() == [], compiled_modules()
print(json.dumps(replay(int(sys.argv[1]))))
"""


def test_the_compiled_build_is_not_older_than_its_sources() -> None:
    assert stale_modules() == [], "the mypyc build is stale: run `make native`"


def test_a_compiled_build_is_what_the_tests_run_against() -> None:
    built = sorted(
        f"gridtokenx.market.{path.name.split('.')[0]}"
        for path in (ROOT / "src" / "gridtokenx" / "market").glob("*.so")
        if not path.name.startswith("_")
    )
    assert [name for name in compiled_modules() if not name.endswith("__mypyc")] == built


def test_the_sources_and_the_loaded_build_give_the_same_events() -> None:
    seed = 20261123
    sources = subprocess.run(
        [sys.executable, "-c", _SOURCES_REPLAY, str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(sources.stdout) == replay(seed)
